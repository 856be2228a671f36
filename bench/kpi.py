"""``mailflow bench kpi``: the weekly KPIs of every partner over a million leads, on SQLite
and on PostgreSQL, measured in the same run.

The data is generated in bulk (``executemany`` on SQLite, ``COPY`` on PostgreSQL) into a
scratch SQLite file and a scratch PostgreSQL schema (``bench_kpi``, dropped first):
leads spread over two years across the partners, one offer to the owner per lead and a
second, lost offer for every other lead, one progress report per closed lead.
PostgreSQL comes from ``MAILFLOW_BENCH_POSTGRES_URL`` or a PostgreSQL database URL.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from mailflow.db import Database, make_engine, migrate
from mailflow.models import Contact, Organization
from mailflow.queries import kpi
from mailflow.queries.visibility import Viewer
from mailflow.settings import Settings

END = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday: the weekly KPIs cover the week before
SPAN = timedelta(days=730)
STATES = ("won", "lost", "won", "lost", "contacted", "meeting", "proposal", "picked")
LEAD_COLS = (
    "id, state, temperature, source, currency, ring, owner_id, owner_contact_id, value, "
    "created_at, updated_at, offered_at, picked_at, closed_at"
)
OFFER_COLS = "id, lead_id, organization_id, ring, state, offered_at, expires_at, responded_at"
FEEDBACK_COLS = "id, lead_id, organization_id, stage, amount, channel, created_at"


def run(settings: Settings, *, quick: bool) -> dict[str, Any]:
    leads = 20_000 if quick else 1_000_000
    partners = 100 if quick else 2_000
    result: dict[str, Any] = {"leads": leads, "partners": partners, "period": "week"}
    with tempfile.TemporaryDirectory() as tmp:
        figures, lite = _measure(f"sqlite:///{tmp}/bench.sqlite3", "sqlite", leads, partners)
        result.update(figures)
    pg = _postgres_url(settings)
    if pg is None:
        result["postgres_s"] = None
        result["postgres_note"] = "no PostgreSQL: set MAILFLOW_BENCH_POSTGRES_URL"
    else:
        figures, pgrows = _measure(_scratch_schema(pg), "postgres", leads, partners)
        result.update(figures)
        result.update(compare(lite, pgrows))
    return result


def compare(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> dict[str, Any]:
    """Same results on both databases: counts exactly, durations and money to the
    rounding unit (SQLite's julianday and PostgreSQL's interval differ in the last bits)."""
    differences, worst = 0, 0.0
    for x, y in zip(a, b, strict=True):
        for name, left in x.items():
            right = y[name]
            if isinstance(left, float) and isinstance(right, float):
                worst = max(worst, abs(left - right))
                differences += abs(left - right) > 0.0011
            else:
                differences += left != right
    return {"same_results": differences == 0 and len(a) == len(b), "max_float_diff": worst}


def _postgres_url(settings: Settings) -> str | None:
    url = os.environ.get("MAILFLOW_BENCH_POSTGRES_URL")
    if url:
        return url
    return settings.database_url if settings.database_url.startswith("postgres") else None


def _scratch_schema(url: str) -> str:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS bench_kpi CASCADE"))
        conn.execute(text("CREATE SCHEMA bench_kpi"))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3Dbench_kpi"


def _measure(
    url: str, name: str, leads: int, partners: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    migrate.upgrade(url)
    db = Database(url)
    try:
        started = time.perf_counter()
        orgs = _partners(db, partners)
        _bulk(db, leads, orgs)
        loaded = time.perf_counter() - started
        viewer = Viewer("admin", organization_id=0, offered_too=True)
        started = time.perf_counter()
        with db.read() as session:
            rows = kpi.compute(session, viewer, "partner", END - timedelta(days=7), END)
        elapsed = time.perf_counter() - started
    finally:
        db.dispose()
    figures = {
        f"{name}_s": round(elapsed, 3),
        f"{name}_load_s": round(loaded, 1),
        f"{name}_partner_rows": len(rows),
    }
    return figures, [r.as_dict() for r in rows.values()]


def _partners(db: Database, count: int) -> list[tuple[int, int]]:
    """(organization id, contact id) per partner."""
    now = END - SPAN
    out = []
    with db.transaction() as s:
        maker = Organization(name="Maker", kind="manufacturer", created_at=now)
        s.add(maker)
        s.flush()
        for i in range(count):
            org = Organization(name=f"P{i}", kind="dealer", parent_id=maker.id, created_at=now)
            s.add(org)
            s.flush()
            assert org.id is not None
            c = Contact(
                organization_id=org.id,
                name=f"R{i}",
                email=f"r{i}@p.example",
                role="rep",
                created_at=now,
            )
            s.add(c)
            s.flush()
            assert c.id is not None
            out.append((org.id, c.id))
    return out


def _rows(leads: int, orgs: list[tuple[int, int]]) -> Iterator[tuple[str, tuple[Any, ...]]]:
    rnd = random.Random(5)
    start, step = END - SPAN, SPAN / leads
    offer_id = feedback_id = 0
    for i in range(1, leads + 1):
        org, contact = orgs[i % len(orgs)]
        offered = start + step * i
        picked_s = rnd.random() < 0.75
        state = STATES[i % len(STATES)] if picked_s else "unassigned"
        picked = offered + timedelta(minutes=rnd.randint(5, 2880)) if picked_s else None
        closed = (
            picked + timedelta(days=rnd.randint(3, 60))
            if picked and state in ("won", "lost")
            else None
        )
        value = rnd.randint(2, 80) * 1000
        updated = closed or picked or offered
        yield (
            "lead",
            (
                i,
                state,
                "warm",
                "bench",
                "EUR",
                1,
                org if picked else None,
                contact if picked else None,
                value,
                offered,
                updated,
                offered,
                picked,
                closed,
            ),
        )
        offer_id += 1
        yield (
            "offer",
            (
                offer_id,
                i,
                org,
                1,
                "picked" if picked else "expired",
                offered,
                offered + timedelta(days=2),
                picked,
            ),
        )
        if i % 2 == 0:
            offer_id += 1
            other = orgs[(i + 7) % len(orgs)][0]
            yield (
                "offer",
                (
                    offer_id,
                    i,
                    other,
                    1,
                    "taken" if picked else "declined",
                    offered,
                    offered + timedelta(days=2),
                    picked or offered,
                ),
            )
        if closed is not None:
            feedback_id += 1
            yield (
                "feedback",
                (feedback_id, i, org, state, value if state == "won" else None, "email", closed),
            )


def _bulk(db: Database, leads: int, orgs: list[tuple[int, int]]) -> None:
    """Load without the secondary indexes and build them afterwards (much faster than
    maintaining them row by row), then ANALYZE so the planner knows the sizes."""
    batches: dict[str, list[tuple[Any, ...]]] = {"lead": [], "offer": [], "feedback": []}
    for table, row in _rows(leads, orgs):
        batches[table].append(row)
    cols = {"lead": LEAD_COLS, "offer": OFFER_COLS, "feedback": FEEDBACK_COLS}
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        if db.is_sqlite:
            cur.execute("BEGIN")
            indexes = _drop_indexes(cur, sqlite=True)
            for table in ("lead", "offer", "feedback"):
                marks = ", ".join("?" * len(cols[table].split(",")))
                rows = [tuple(_sqlite(v) for v in r) for r in batches[table]]
                cur.executemany(f"INSERT INTO {table} ({cols[table]}) VALUES ({marks})", rows)
            for sql in indexes:
                cur.execute(sql)
            cur.execute("COMMIT")
            cur.execute("ANALYZE")
        else:
            indexes = _drop_indexes(cur, sqlite=False)
            for table in ("lead", "offer", "feedback"):
                with cur.copy(f"COPY {table} ({cols[table]}) FROM STDIN") as copy:
                    for r in batches[table]:
                        copy.write_row(r)
            for sql in indexes:
                cur.execute(sql)
            for table in ("lead", "offer", "feedback"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            raw.commit()
            cur.execute("ANALYZE")
            raw.commit()
    finally:
        raw.close()


def _drop_indexes(cur: Any, *, sqlite: bool) -> list[str]:
    """Drop the secondary (non-unique) indexes of the bulk tables; return their DDL."""
    if sqlite:
        cur.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ('lead', 'offer', 'feedback')"
        )
    else:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename IN ('lead', 'offer', 'feedback') AND indexdef NOT LIKE 'CREATE UNIQUE%'"
        )
    found = [(str(name), str(sql)) for name, sql in cur.fetchall()]
    for name, _ in found:
        cur.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


def _sqlite(value: Any) -> Any:
    """SQLAlchemy's SQLite storage format for datetimes (UTC, no offset)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value
