"""``mailflow bench inbound``: replies per second end to end (SMTP in → stored → parsed →
applied) against the same server only storing them; plus parse time for 30 KB.

With ``MAILFLOW_BENCH_POSTGRES_URL`` (or a PostgreSQL database URL in the settings) it
measures the Procfile's layout on PostgreSQL: a ``mailflow inbound serve`` process queueing
through Redis, and two ``worker`` processes applying. Without, the embedded mode on
SQLite: one process, its SMTP server and worker threads together."""

from __future__ import annotations

import logging
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench._procfile import Messages, Procfile, applied_count, free_port, send_all
from bench._world import offered_leads
from mailflow.actions.inbound.claim import BATCH
from mailflow.db import make_engine, migrate
from mailflow.inbound.parse import parse_message
from mailflow.inbound.receive.server import make_server
from mailflow.jobs.broker import connect
from mailflow.runtime import Runtime
from mailflow.settings import Settings, load_settings

WORKER_THREADS = 2  # as `mailflow inbound serve` runs them without Redis
EMBEDDED = f"embedded: one process, {WORKER_THREADS} worker threads"


def run(settings: Settings, *, quick: bool = False) -> dict[str, Any]:
    """Each figure is measured ``rounds`` times on a world of its own (leads offered
    through the real actions, the same for every round) and the median reported: the
    machine is shared, single figures are noisy. The ratios are of the figures as printed
    (rounded first), so a reader recomputing them from the JSON gets the same numbers."""
    logging.getLogger().setLevel(logging.WARNING)
    n = 60 if quick else 600
    rounds = 1 if quick else 3
    postgres = _postgres_url(settings)
    with tempfile.TemporaryDirectory() as tmp:
        if postgres is not None:
            measured = _procfile(postgres, settings, Path(tmp), n, rounds)
        else:
            measured = _embedded(Path(tmp), n, rounds)
    per_s, limit = (round(statistics.median(measured[k]), 1) for k in ("per_s", "limit_per_s"))
    result: dict[str, Any] = {
        "messages": n,
        "per_s": per_s,
        "limit_per_s": limit,
        "ratio": round(per_s / limit, 3),
        "database": "sqlite" if postgres is None else "postgresql",
        "topology": EMBEDDED if postgres is None else Procfile.TOPOLOGY,
        "parse_ms_30kb": round(_parse_ms(), 3),
        "batch": BATCH,
        "rounds": {k: [round(r, 1) for r in v] for k, v in measured.items()},
    }
    if postgres is None:
        result["per_s_embedded"], result["ratio_embedded"] = per_s, result["ratio"]
    return result


def _postgres_url(settings: Settings) -> str | None:
    url = os.environ.get("MAILFLOW_BENCH_POSTGRES_URL")
    if url:
        return url
    return settings.database_url if settings.database_url.startswith("postgres") else None


def _env(folder: Path, database_url: str) -> dict[str, str]:
    return {
        "MAILFLOW_DATA_DIR": str(folder),
        "MAILFLOW_DATABASE_URL": database_url,
        "MAILFLOW_INBOUND_DOMAIN": "reply.bench.test",
        # every process of the layout signs and reads reply keys with the same key
        "MAILFLOW_SECRET_KEYS": "bench-inbound-secret-key-0123456789",
        "MAILFLOW_LOG_LEVEL": "WARNING",
        # one local client sends every reply of the run in one session: the per-client
        # limits, meant for the internet, would measure themselves instead of the pipeline
        "MAILFLOW_INBOUND_MESSAGES_PER_MINUTE": "1000000",
        "MAILFLOW_INBOUND_COMMANDS_PER_SESSION": "1000000",
    }


def _runtime(env: dict[str, str]) -> Runtime:
    Path(env["MAILFLOW_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    settings = load_settings(env)
    migrate.upgrade(settings.database_url)
    return Runtime(settings)


# -- embedded, on SQLite -------------------------------------------------------------
def _embedded(tmp: Path, n: int, rounds: int) -> dict[str, list[float]]:
    """The world is built once and its database file copied for every measurement."""
    world = tmp / "world"
    rt = _runtime(_env(world, f"sqlite:///{world / 'mailflow.sqlite3'}"))
    messages = offered_leads(rt, n)
    rt.close()
    figures: dict[str, list[float]] = {"per_s": [], "limit_per_s": []}
    for i in range(rounds):
        for name, applied in (("limit_per_s", False), ("per_s", True)):
            folder = tmp / f"{name}{i}"
            shutil.copytree(world, folder)
            rt = _runtime(_env(folder, f"sqlite:///{folder / 'mailflow.sqlite3'}"))
            # replies' own emails wait in the outbox: `bench fanout` measures those
            rt.send_mail_now = False
            queue = connect(rt, worker_threads=WORKER_THREADS) if applied else None
            figures[name].append(_in_process(rt, messages, applied=applied))
            if queue is not None:
                queue.stop()
            rt.close()
    return figures


def _in_process(rt: Runtime, messages: Messages, *, applied: bool) -> float:
    """Through this process's SMTP server: until the client has sent them all, or with
    ``applied`` until every one is applied (without a queue it stores and stops there)."""
    port = free_port()
    server = make_server(rt, "127.0.0.1", port)
    server.start()
    started = time.perf_counter()
    send_all(port, messages)
    while applied and applied_count(rt.db) < len(messages):
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    server.stop()
    return len(messages) / elapsed


# -- the Procfile's layout, on PostgreSQL --------------------------------------------
def _procfile(
    url: str, settings: Settings, tmp: Path, n: int, rounds: int
) -> dict[str, list[float]]:
    """A world of its own per round, in a scratch schema (dropped after): first the
    server with the workers, then the same server alone storing the same replies again
    (jobs queued for nobody: the queue is flushed after)."""
    redis_url = settings.redis_url or "redis://127.0.0.1:6379/0"
    figures: dict[str, list[float]] = {"per_s": [], "limit_per_s": []}
    for i in range(rounds):
        schema = f"bench_inbound_{i}"
        env = _env(tmp / f"round{i}", _scratch_schema(url, schema))
        rt = _runtime(env)
        try:
            messages = offered_leads(rt, n)
            with Procfile(env, redis_url) as layout:
                figures["per_s"].append(layout.per_s(messages, rt.db))
                figures["limit_per_s"].append(layout.per_s(messages, None))
        finally:
            rt.close()
            _drop_schema(url, schema)
    return figures


def _scratch_schema(url: str, schema: str) -> str:
    _drop_schema(url, schema)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def _drop_schema(url: str, schema: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


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
