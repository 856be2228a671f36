"""The partner pool's version token, kept by database triggers.

The matcher caches every partner's static data per process
(:mod:`mailflow.queries.matching_input`) and
must never rank on stale data. Triggers on the tables it reads replace the token in
``matchpoolversion`` with a random one inside the writing transaction, whichever code
writes (actions, imports, the stats job, a console edit, plain SQL): a reader that sees the
token it built its pool under sees no change since. Random, not a counter, so a token of a
rolled-back transaction or of a database rebuilt at the same address never comes back.

SQLite's batch-mode migrations rebuild a table and lose its triggers, so
:func:`install` is idempotent and runs after every upgrade.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import inspect, text

TABLE = "matchpoolversion"
# table → the columns whose update matters (None: any column)
WATCHED: dict[str, tuple[str, ...] | None] = {
    "organization": None,
    "partnerstats": None,
    "contact": ("organization_id", "receives_offers", "undeliverable"),
    "awayperiod": None,  # the pool holds the periods that pause a partner's offers
}
_SQLITE_BUMP = f"INSERT OR REPLACE INTO {TABLE} (id, token) VALUES (1, lower(hex(randomblob(16))))"
_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION matchpool_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (id, token) VALUES (1, md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END $$
"""


def _update(columns: tuple[str, ...] | None) -> str:
    return "UPDATE" if columns is None else f"UPDATE OF {', '.join(columns)}"


def statements(dialect: str, tables: set[str] | None = None) -> list[str]:
    """The triggers on the watched ``tables`` (default: all of them)."""
    watched = {t: c for t, c in WATCHED.items() if tables is None or t in tables}
    if dialect == "postgresql":
        out = [_PG_FUNCTION]
        for table, columns in watched.items():
            out.append(f"DROP TRIGGER IF EXISTS matchpool_{table} ON {table}")
            out.append(
                f"CREATE TRIGGER matchpool_{table} AFTER INSERT OR DELETE OR {_update(columns)}"
                f" OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION matchpool_bump()"
            )
        return out
    out = []
    for table, columns in watched.items():  # SQLite: row triggers only
        for event in ("INSERT", "DELETE", _update(columns)):
            name = f"matchpool_{table}_{event.split()[0].lower()}"
            out.append(
                f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} "
                f"BEGIN {_SQLITE_BUMP}; END"
            )
    return out


def install(conn: Any) -> None:
    """Create (or re-create) the triggers and the first token; idempotent."""
    found = inspect(conn)
    if not found.has_table(TABLE):
        return
    # an older revision's upgrade runs this too, before later tables exist
    tables = {t for t in WATCHED if found.has_table(t)}
    for statement in statements(conn.dialect.name, tables):
        conn.execute(text(statement))
    if conn.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one() == 0:
        conn.execute(text(f"INSERT INTO {TABLE} (id, token) VALUES (1, :t)"), {"t": _fresh()})


def drop(conn: Any) -> None:
    found = inspect(conn)
    tables = [t for t in WATCHED if found.has_table(t)]
    if conn.dialect.name == "postgresql":
        for table in tables:
            conn.execute(text(f"DROP TRIGGER IF EXISTS matchpool_{table} ON {table}"))
        conn.execute(text("DROP FUNCTION IF EXISTS matchpool_bump()"))
        return
    for table in tables:
        for event in ("insert", "delete", "update"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS matchpool_{table}_{event}"))


def _fresh() -> str:

    return secrets.token_hex(16)
