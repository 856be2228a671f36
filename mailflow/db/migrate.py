"""Schema migrations (Alembic), run programmatically by ``mailflow db upgrade``."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from mailflow.db import make_engine, normalize_url, poolversion

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    command.upgrade(alembic_config(url), revision)
    _reinstall_triggers(url)


def _reinstall_triggers(url: str) -> None:
    """SQLite batch-mode migrations rebuild tables and drop their triggers: put back the
    partner-pool version triggers (idempotent; nothing to do before their migration)."""

    if not normalize_url(url).startswith("sqlite"):
        return  # PostgreSQL keeps triggers across ALTER TABLE
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            poolversion.install(conn)
    finally:
        engine.dispose()


def current(url: str) -> str | None:

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return revision_of(conn)
    finally:
        engine.dispose()


def revision_of(conn: Connection) -> str | None:
    """The revision applied to the database ``conn`` is connected to (None: empty)."""
    return MigrationContext.configure(conn).get_current_revision()


def head() -> str | None:

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def new_revision(message: str, rev_id: str | None = None) -> str:
    """Autogenerate the next numbered revision from the models (for developers)."""

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.sqlite3"
        upgrade(url)
        if rev_id is None:
            current_head = head() or "0"
            rev_id = f"{int(current_head) + 1:04d}" if current_head.isdigit() else None
        if rev_id is None:
            raise SystemExit("the head revision is not a number: pass --rev-id")
        command.revision(alembic_config(url), message=message, autogenerate=True, rev_id=rev_id)
    return rev_id
