"""Alembic migrations build the same schema as the models, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from mailflow.db import make_engine, migrate


def test_the_migrated_schema_matches_the_models(db_url: str) -> None:
    migrate.upgrade(db_url)  # idempotent on an up-to-date database
    assert migrate.current(db_url) == migrate.head()
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_url: str) -> None:
    from sqlalchemy import text

    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        engine.dispose()


def _insert(conn: Any, table: str, **values: Any) -> None:
    """A row as an old schema wants it: NOT NULL columns without a default get a filler."""
    from sqlalchemy import text

    for _, name, type_, notnull, default, pk in conn.execute(text(f"PRAGMA table_info({table})")):
        if notnull and default is None and not pk and name not in values:
            kind = type_.upper()
            values[name] = (
                0
                if kind.startswith(("INT", "BOOL", "FLOAT", "NUM"))
                else "2026-11-01 00:00:00"
                if kind.startswith(("DATE", "TIME"))
                else "[]"
                if kind.startswith("JSON")
                else "x"
            )
    names = ", ".join(values)
    marks = ", ".join(f":{n}" for n in values)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)


def test_a_contact_wide_report_opt_out_survives_as_an_opted_out_subscription(
    tmp_path: Path,
) -> None:
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    migrate.upgrade(url, "0020")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _insert(conn, "organization", id=1, name="Dealer", kind="dealer")
            for cid, reports in ((1, False), (2, True), (3, False)):
                _insert(
                    conn,
                    "contact",
                    id=cid,
                    organization_id=1,
                    email=f"c{cid}@d.example",
                    receives_reports=reports,
                )
            _insert(conn, "reportsubscription", contact_id=3, weekday=2, opted_out=False)
        migrate.upgrade(url)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT contact_id, weekday, opted_out FROM reportsubscription ORDER BY 1")
            ).all()
            columns = [r[1] for r in conn.execute(text("PRAGMA table_info(contact)"))]
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(1, 0, 1), (3, 2, 1)]
    assert "receives_reports" not in columns


def test_a_running_away_until_becomes_a_pause_of_the_partners_first_contact(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'away.sqlite3'}"
    migrate.upgrade(url, "0109")
    back = (datetime.now(UTC) + timedelta(days=5)).replace(microsecond=0)
    passed = datetime.now(UTC) - timedelta(days=5)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for oid, until in ((1, back), (2, passed), (3, None)):
                _insert(conn, "organization", id=oid, name=f"D{oid}", kind="dealer",
                        away_until=until.isoformat(" ") if until else None)  # fmt: skip
            _insert(conn, "contact", id=7, organization_id=1, email="a@d.example",
                    receives_offers=False)  # fmt: skip
            _insert(conn, "contact", id=8, organization_id=1, email="b@d.example",
                    receives_offers=True)  # fmt: skip
            _insert(conn, "contact", id=9, organization_id=2, email="c@d.example")
        migrate.upgrade(url)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT organization_id, contact_id, stand_in_id, ends_at FROM awayperiod")
            ).all()
            columns = [r[1] for r in conn.execute(text("PRAGMA table_info(organization)"))]
    finally:
        engine.dispose()
    assert [(r[0], r[1], r[2]) for r in rows] == [(1, 8, None)]  # a passed one is dropped
    assert str(rows[0][3]).startswith(back.strftime("%Y-%m-%d %H:%M:%S"))
    assert "away_until" not in columns
