"""``mailflow bench inbound``: replies per second end to end (SMTP in → stored → parsed →
applied) against the same server only storing them, on SQLite; plus parse time for 30 KB."""

from __future__ import annotations

import logging
import os
import shutil
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlmodel import col, func, select

from bench._world import offered_leads
from mailflow import migrate
from mailflow.broker import connect
from mailflow.inbound.parse import parse_message
from mailflow.inbound.process import BATCH
from mailflow.inbound.server import make_server
from mailflow.models import InboundEmail
from mailflow.runtime import Runtime
from mailflow.settings import Settings, load_settings

WORKER_THREADS = 4
WORKER_PROCESSES = 2  # as the Procfile runs them
PROCFILE = (
    f"Procfile: SMTP server + {WORKER_PROCESSES} worker processes of {WORKER_THREADS} threads,"
    " Redis broker"
)
EMBEDDED = f"embedded: one process, {WORKER_THREADS} worker threads"


def run(settings: Settings, *, quick: bool = False) -> dict[str, Any]:
    """The world (leads offered through the real actions) is built once and copied for
    every measurement, so all figures see the very same database and messages; they are
    measured in turn, ``rounds`` times each, and the medians reported (the machine is
    shared, single figures are noisy).

    ``per_s``: as the Procfile runs it, this process's SMTP server storing and queueing
    through Redis and worker processes applying; without a reachable Redis, the embedded
    mode instead (``topology`` says which). ``per_s_embedded``: everything in one process
    (the SMTP server, its client here and the processing share one interpreter lock)."""
    logging.getLogger().setLevel(logging.WARNING)
    n = 60 if quick else 600
    rounds = 1 if quick else 3
    redis_url = _redis(settings)
    knobs = {"MAILFLOW_INBOUND_LINGER_MS": str(settings.inbound_linger_ms)}
    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp) / "world"
        rt = _runtime(world)
        messages = offered_leads(rt, n)
        rt.close()
        limits: list[float] = []
        embedded: list[float] = []
        procfile: list[float] = []
        for i in range(rounds):
            limits.append(_store_only(_copy(world, Path(tmp) / f"a{i}"), messages))
            embedded.append(_end_to_end(_copy(world, Path(tmp) / f"b{i}", **knobs), messages))
            if redis_url:
                folder = Path(tmp) / f"c{i}"
                procfile.append(_with_worker(world, folder, messages, redis_url, knobs))
    # The ratios are of the figures as printed (rounded first), so a reader, or the test,
    # recomputing them from the JSON gets the same numbers.
    limit = round(statistics.median(limits), 1)
    per_s_embedded = round(statistics.median(embedded), 1)
    per_s = round(statistics.median(procfile), 1) if procfile else per_s_embedded
    return {
        "messages": n,
        "per_s": per_s,
        "limit_per_s": limit,
        "ratio": round(per_s / limit, 3),
        "parse_ms_30kb": round(_parse_ms(), 3),
        "database": "sqlite",
        "topology": PROCFILE if procfile else f"{EMBEDDED} (no Redis reachable)",
        "per_s_embedded": per_s_embedded,
        "ratio_embedded": round(per_s_embedded / limit, 3),
        "embedded_topology": EMBEDDED,
        "linger_ms": settings.inbound_linger_ms,
        "batch": BATCH,
        "rounds": {
            "per_s": [round(r, 1) for r in procfile or embedded],
            "limit_per_s": [round(r, 1) for r in limits],
            "per_s_embedded": [round(r, 1) for r in embedded],
        },
    }


def _redis(settings: Settings) -> str | None:
    """The configured Redis, else one on this machine's default port, if it answers."""
    import redis

    url = settings.redis_url or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError):
        return None
    return url


def _env(folder: Path, **extra: str) -> dict[str, str]:
    return {
        "MAILFLOW_DATA_DIR": str(folder),
        "MAILFLOW_INBOUND_DOMAIN": "reply.bench.test",
        "MAILFLOW_LOG_LEVEL": "WARNING",
        # one local client sends every reply of the run in one session: the per-client
        # limits, meant for the internet, would measure themselves instead of the pipeline
        "MAILFLOW_INBOUND_MESSAGES_PER_MINUTE": "1000000",
        "MAILFLOW_INBOUND_COMMANDS_PER_SESSION": "1000000",
        **extra,
    }


def _runtime(folder: Path, **extra: str) -> Runtime:
    folder.mkdir(parents=True, exist_ok=True)
    settings = load_settings(_env(folder, **extra))
    migrate.upgrade(settings.database_url)
    return Runtime(settings)


def _copy(world: Path, folder: Path, **extra: str) -> Runtime:
    shutil.copytree(world, folder)
    return _runtime(folder, **extra)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _send_all(port: int, messages: list[tuple[str, str, bytes]]) -> None:
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, rcpt, raw in messages:
            smtp.sendmail(sender, [rcpt], raw)


def _per_s(
    rt: Runtime,
    messages: list[tuple[str, str, bytes]],
    *,
    applied: bool,
    workers: Sequence[subprocess.Popen[str]] = (),
) -> float:
    """Messages per second through this process's SMTP server: until the client has
    sent them all, or with ``applied`` until every one is applied (a worker process that
    dies meanwhile ends the measurement)."""
    port = _free_port()
    server = make_server(rt, "127.0.0.1", port)
    server.start()
    started = time.perf_counter()
    _send_all(port, messages)
    while applied and _applied(rt) < len(messages):
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError("a worker process of the benchmark died")
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    server.stop()
    return len(messages) / elapsed


def _store_only(rt: Runtime, messages: list[tuple[str, str, bytes]]) -> float:
    per_s = _per_s(rt, messages, applied=False)  # no queue attached: it stores and stops there
    rt.close()
    return per_s


def _end_to_end(rt: Runtime, messages: list[tuple[str, str, bytes]]) -> float:
    # replies' own emails wait in the outbox: `bench fanout` measures those
    rt.send_mail_now = False
    queue = connect(rt, worker_threads=WORKER_THREADS)
    per_s = _per_s(rt, messages, applied=True)
    queue.stop()
    rt.close()
    return per_s


def _with_worker(
    world: Path,
    folder: Path,
    messages: list[tuple[str, str, bytes]],
    redis_url: str,
    knobs: dict[str, str],
) -> float:
    """The SMTP server here, the processing in worker processes, jobs through Redis."""
    shutil.copytree(world, folder)
    extra = {
        **knobs,
        "MAILFLOW_REDIS_URL": redis_url,
        "MAILFLOW_QUEUE_NAMESPACE": f"bench-{uuid.uuid4().hex}",
    }
    rt = _runtime(folder, **extra)
    env = {**os.environ, **_env(folder, **extra)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "bench._worker", str(WORKER_THREADS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
            text=True,
        )
        for _ in range(WORKER_PROCESSES)
    ]
    queue = connect(rt, namespace=rt.settings.queue_namespace)
    try:
        for worker in workers:
            assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
        return _per_s(rt, messages, applied=True, workers=workers)
    finally:
        for worker in workers:
            worker.communicate("", timeout=60)
        queue.broker.flush_all()
        queue.stop()
        rt.close()


def _applied(rt: Runtime) -> int:
    with rt.db.read() as s:
        return int(s.exec(select(func.count()).where(col(InboundEmail.state) == "applied")).one())


def _parse_ms() -> float:
    quoted = "\n".join(
        f"> line {i} of the original offer email, quoted by the client" for i in range(520)
    )
    raw = (
        "From: anna@dealer.example\r\nTo: reply+1.2.3.abc@reply.bench.test\r\n"
        "Subject: Re: New lead\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "won 12.500 EUR\n\nViele Grüße\nAnna\n\n"
        f"Am 01.03.2026 um 10:00 schrieb mailflow:\n{quoted}\n"
    ).encode()
    assert 28_000 < len(raw) < 34_000
    times = []
    for _ in range(30):
        started = time.perf_counter()
        parse_message(raw)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
