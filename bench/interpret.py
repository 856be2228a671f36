"""``mailflow bench interpret``: replies understood per second, on one core; and the
latency of a reply in the demo's layout, from the partner's SMTP send to the email that
answers it.

The mix is the labelled reply corpus of every language (tests/fixtures/replies/), cycled
to about 30 KB of reply text; each reply is read as in production (``understand`` on the
reply's own text, here already without quotes). ``per_s``: replies per second.

``latency_p50_ms``/``latency_p95_ms``: the embedded mode as ``mailflow demo`` runs it
(SQLite, the in-process queue with its worker threads, the inbound SMTP server and a mail
capture as the relay): one pick reply at a time, timed until the picking partner's
details email (which quotes what was understood) reaches the capture. It includes the
batch window (``MAILFLOW_INBOUND_BATCH_WINDOW_MS``).
"""

from __future__ import annotations

import logging
import smtplib
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._procfile import free_port
from bench._world import offered_leads
from bench.inbound import _env, _runtime
from bench.replies import load
from mailflow.inbound.parse.extract import extract_reply
from mailflow.inbound.parse.understand import LANGUAGES, understand
from mailflow.inbound.receive.server import make_server
from mailflow.jobs.broker import connect
from mailflow.mail.capture import MailCapture
from mailflow.settings import Settings

MIX_BYTES = 30_000


def run(settings: Settings, *, quick: bool = False) -> dict[str, Any]:
    del settings  # pure: no database, no files but the corpus
    texts = [extract_reply(c.text) for code in LANGUAGES for c in load(code)]
    mix: list[str] = []
    size = 0
    while size < MIX_BYTES and texts:
        text = texts[len(mix) % len(texts)]
        mix.append(text)
        size += len(text.encode())
    rounds = 1 if quick else 5
    best = float("inf")
    acted = 0
    for _ in range(rounds):
        start = time.perf_counter()
        acted = sum(understand(text).command is not None for text in mix)
        best = min(best, time.perf_counter() - start)
    p50, p95 = _latency(8 if quick else 40)
    return {
        "bench": "interpret",
        "replies": len(mix),
        "bytes": size,
        "languages": len(LANGUAGES),
        "acted": acted,
        "per_s": round(len(mix) / best, 1),
        "ms_per_reply": round(best * 1000 / len(mix), 3),
        "latency_p50_ms": p50,
        "latency_p95_ms": p95,
        "latency_layout": "mailflow demo: SQLite, in-process queue, SMTP in, capture out",
    }


DEMO_THREADS = 4  # the worker threads `mailflow demo` runs


def _latency(n: int) -> tuple[float, float]:
    """Milliseconds from a pick reply's SMTP send to its details email at the capture."""
    logging.getLogger().setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        rt = _runtime(_env(Path(tmp), f"sqlite:///{Path(tmp) / 'mailflow.sqlite3'}"))
        replies = offered_leads(rt, n)
        capture = MailCapture("127.0.0.1").start()
        rt.use_smtp(capture.url)
        queue = connect(rt, worker_threads=DEMO_THREADS)
        port = free_port()
        server = make_server(rt, "127.0.0.1", port)
        server.start()
        times: list[float] = []
        try:
            with smtplib.SMTP("127.0.0.1", port) as smtp:
                for sender, rcpt, raw in replies:
                    seen = len(capture.messages())
                    started = time.perf_counter()
                    smtp.sendmail(sender, [rcpt], raw)
                    while not _answered(capture, seen, sender):
                        if time.perf_counter() - started > 30:
                            raise RuntimeError(f"no answer to {sender}'s reply within 30 s")
                        time.sleep(0.005)
                    times.append((time.perf_counter() - started) * 1000)
        finally:
            server.stop()
            queue.stop()
            capture.stop()
            rt.close()
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return round(statistics.median(ordered), 1), round(p95, 1)


def _answered(capture: MailCapture, seen: int, sender: str) -> bool:
    return any(
        sender in mail.to and mail.message["X-Mailflow-Kind"] == "details"
        for mail in capture.messages()[seen:]
    )
