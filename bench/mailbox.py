"""``mailflow bench mailbox``: replies a second from an IMAP mailbox (a real Dovecot) into
the store and applied, beside the same number of replies over SMTP in the same run.

On PostgreSQL with Redis, in the Procfile's layout (:mod:`bench._procfile`): the SMTP figure
is ``mailflow bench inbound``'s (the ``smtp`` process and two ``worker`` processes); the
mailbox figure runs the ``mailbox`` process (``mailflow inbound fetch``) instead, connected
and waiting with IDLE on an empty INBOX, and is timed from the moment all replies are moved
into the INBOX at once (one UID MOVE) until the workers applied the last. Each figure has a
world of its own (leads offered through the real actions) in a scratch schema."""

from __future__ import annotations

import logging
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._procfile import Messages, Procfile
from bench._world import offered_leads
from bench.inbound import _drop_schema, _env, _postgres_url, _runtime, _scratch_schema
from mailflow.settings import Settings
from tests.dovecot import Dovecot, available

STAGING = "Staging"


def run(settings: Settings, *, quick: bool = False) -> dict[str, Any]:
    logging.getLogger().setLevel(logging.WARNING)
    postgres = _postgres_url(settings)
    if postgres is None:
        raise SystemExit("mailflow bench mailbox: needs PostgreSQL (MAILFLOW_BENCH_POSTGRES_URL)")
    if not available():
        raise SystemExit("mailflow bench mailbox: needs Dovecot (apt-get install dovecot-imapd)")
    n = 100 if quick else 1000
    rounds = 1 if quick else 3
    redis_url = settings.redis_url or "redis://127.0.0.1:6379/0"
    figures: dict[str, list[float]] = {"per_s": [], "smtp_per_s": []}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "dovecot").mkdir()
        with Dovecot(Path(tmp) / "dovecot") as server:
            for i in range(rounds):
                for name in ("smtp_per_s", "per_s"):
                    schema = f"bench_mailbox_{i}_{name.removesuffix('_s')}"
                    env = _env(Path(tmp) / f"{name}{i}", _scratch_schema(postgres, schema))
                    rt = _runtime(env)
                    try:
                        messages = offered_leads(rt, n)
                        with Procfile(env, redis_url) as layout:
                            if name == "smtp_per_s":
                                figures[name].append(layout.per_s(messages, rt.db))
                            else:
                                figures[name].append(
                                    _mailbox(layout, server, messages, rt.db, Path(tmp), i)
                                )
                    finally:
                        rt.close()
                        _drop_schema(postgres, schema)
    per_s, smtp = (round(statistics.median(figures[k]), 1) for k in ("per_s", "smtp_per_s"))
    return {
        "messages": n,
        "per_s": per_s,
        "smtp_per_s": smtp,
        "ratio": round(per_s / smtp, 3),
        "goal_ratio": 0.5,
        "database": "postgresql",
        "topology": f"{Procfile.TOPOLOGY}; mailbox process (IMAP IDLE) on a local Dovecot",
        "rounds": {k: [round(r, 1) for r in v] for k, v in figures.items()},
    }


def _mailbox(
    layout: Procfile, server: Dovecot, messages: Messages, db: Any, tmp: Path, i: int
) -> float:
    """The replies wait in a staging folder; the mailbox process waits on the empty INBOX."""
    folder = f"{STAGING}{i}"
    server.append([raw for _, _, raw in messages], folder=folder)
    log = tmp / f"fetch{i}.log"
    with log.open("w") as errors:
        fetch = layout.start(
            ["-m", "mailflow.cli", "inbound", "fetch"],
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env={
                "MAILFLOW_INBOUND_MAILBOX_URL": server.url(),
                "MAILFLOW_INBOUND_MAILBOX_CA_CERTS": str(server.ca_file),
                "MAILFLOW_LOG_LEVEL": "INFO",
            },
        )
        try:
            _connected(fetch, log)
            return layout.applied_per_s(len(messages), db, lambda: server.move_all(folder))
        finally:
            fetch.terminate()
            fetch.wait(timeout=60)


def _connected(fetch: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 60
    while "waiting with IDLE" not in log.read_text(errors="replace"):
        if fetch.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the mailbox process did not connect: {log.read_text()[-2000:]}")
        time.sleep(0.05)
