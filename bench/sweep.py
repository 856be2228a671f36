"""``mailflow bench sweep``: one sweep that moves 1,000 due offers, among 10,000 and among
1,000,000 open offers. The sweep reads the due rows through the (state, expires_at)
index, so its time should grow with the due offers, not with all open offers.

Measured on PostgreSQL when ``MAILFLOW_DATABASE_URL`` points at one (in a database of its
own, ``<name>_bench``, dropped and created by the run); otherwise on a temporary SQLite
file. The JSON says which in ``database``.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from mailflow.db import make_engine, migrate, normalize_url
from mailflow.jobs.sweeps import sweep_offers
from mailflow.runtime import Runtime
from mailflow.settings import Settings

RING = 2  # offers per lead
PARTNERS = 12
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _bench_database(settings: Settings) -> str:
    if settings.is_sqlite:
        path = Path(tempfile.mkdtemp(prefix="mailflow-bench-")) / "bench.sqlite3"
        return f"sqlite:///{path}"
    url = make_url(normalize_url(settings.database_url))
    name = f"{url.database}_bench"
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_bench_database(url: str) -> None:
    """A benchmark leaves nothing behind: its scratch database (or SQLite folder) goes."""
    parsed = make_url(url)
    if url.startswith("sqlite"):
        shutil.rmtree(Path(str(parsed.database)).parent, ignore_errors=True)
        return
    admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def _series(postgres: bool, n: int, select: str, insert: str) -> str:
    """``insert`` fed by ``select`` over i = 1..n, as one statement (fast bulk insert)."""
    if postgres:
        return f"{insert} SELECT {select} FROM generate_series(1, {n}) AS s(i)"
    return (
        f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) "
        f"{insert} SELECT {select} FROM s"
    )


def _fill(url: str, open_offers: int, due: int) -> None:
    """Partners, then leads in ring 1 with ``RING`` open offers each: ``due`` offers expired
    a minute ago, the rest expire tomorrow."""
    postgres = not url.startswith("sqlite")
    engine = make_engine(url)
    now, past, later = NOW.isoformat(), (NOW - timedelta(minutes=1)), NOW + timedelta(days=1)
    with engine.begin() as conn:
        for table in ("outboundemail", "event", "offer", "lead", "contact", "organization"):
            conn.execute(text(f"DELETE FROM {table}"))
        for n in range(1, PARTNERS + 1):
            org_id = conn.execute(
                text(
                    "INSERT INTO organization (name, kind, level, certifications, expertise,"
                    " languages, country, city, lat, lon, active, created_at, business_hours)"
                    " VALUES (:name, 'dealer', 'standard', '[]', '[]', '[]', 'DE', 'Stuttgart',"
                    " :lat, 9.18, :active, :now, '{}') RETURNING id"
                ),
                {"name": f"Dealer {n}", "lat": 48.7 + n / 100, "active": True, "now": now},
            ).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO contact (organization_id, name, email, role, language, timezone,"
                    " receives_offers, undeliverable, created_at) VALUES (:org, :name, :email,"
                    " 'sales', 'en', 'Europe/Berlin', :yes, :no, :now)"
                ),
                {
                    "org": org_id,
                    "name": f"C{n}",
                    "email": f"c{n}@d{n}.example",
                    "yes": True,
                    "no": False,
                    "now": now,
                },
            )
        orgs = [r[0] for r in conn.execute(text("SELECT id FROM organization ORDER BY id"))]
        for count, expires in ((open_offers - due) // RING, later), (due // RING, past):
            first = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM lead")).scalar_one()
            conn.execute(
                text(
                    _series(
                        postgres,
                        count,
                        "'offered', 'warm', 'bench', 'EUR', 1, 'DE', 'Stuttgart', 48.78, 9.18,"
                        " 'Heat pump', :now, :now, :now, 0",
                        "INSERT INTO lead (state, temperature, source, currency, ring, country,"
                        " city, lat, lon, requirement, created_at, updated_at, offered_at,"
                        " reminders_sent)",
                    )
                ),
                {"now": now},
            )
            for org_id in orgs[:RING]:
                conn.execute(
                    text(
                        "INSERT INTO offer (lead_id, organization_id, ring, state, offered_at,"
                        " expires_at) SELECT id, :org, 1, 'open', :now, :expires FROM lead"
                        " WHERE id > :first"
                    ),
                    {"org": org_id, "now": now, "expires": expires, "first": first},
                )
        if postgres:
            conn.execute(text("ANALYZE"))
    engine.dispose()


def _measure(settings: Settings, url: str, open_offers: int, due: int) -> float:
    _fill(url, open_offers, due)
    rt = Runtime(settings.with_(database_url=url, ring_size=RING, max_rings=3))
    rt.clock.set(NOW)
    try:
        started = time.perf_counter()
        moved = sweep_offers(rt)
        elapsed = time.perf_counter() - started
    finally:
        rt.close()
    if moved != due // RING:
        raise RuntimeError(f"the sweep moved {moved} leads, expected {due // RING}")
    return elapsed


def run(settings: Settings, *, quick: bool) -> dict[str, Any]:
    due, small, large = (100, 1_000, 20_000) if quick else (1_000, 10_000, 1_000_000)
    url = _bench_database(settings)
    migrate.upgrade(url)
    quiet = logging.getLogger("mailflow")
    level, quiet.level = quiet.level, logging.WARNING  # one log line per lead otherwise
    try:
        _measure(settings, url, 200, 40)  # warm-up: imports, statement caches, connections
        small_s = _measure(settings, url, small, due)
        large_s = _measure(settings, url, large, due)
    finally:
        quiet.setLevel(level)
        _drop_bench_database(url)
    return {
        "bench": "sweep",
        "database": "postgresql" if not url.startswith("sqlite") else "sqlite",
        "due": due,
        "due_leads": due // RING,
        "small_open": small,
        "small_s": round(small_s, 3),
        "large_open": large,
        "large_s": round(large_s, 3),
        "ratio": round(large_s / small_s, 2),
        "goal": "large_s <= 2 * small_s",
        "met": large_s <= 2 * small_s,
    }
