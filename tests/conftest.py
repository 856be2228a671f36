"""Fixtures: ``db_url`` (SQLite and PostgreSQL), ``rt``, ``smtp`` (a real aiosmtpd sink),
``queue`` (in-process worker on dramatiq), ``client`` and data factories."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from mailflow.clock import Clock
from mailflow.db import make_engine, migrate
from mailflow.jobs.broker import JobQueue, connect
from mailflow.mail.capture import MailCapture
from mailflow.runtime import Runtime
from mailflow.settings import Settings, load_settings
from tests.factories import World
from tests.services import drop_postgres_database, fresh_postgres_database, port_open, require

TEST_KEYS = "test-secret-key-0123456789abcdef"
# The SMTP server answers 452 below this much free disk (512 MiB by default): a test machine
# with a small disk must still accept the tests' mail. Subprocesses inherit it.
TEST_MIN_FREE_BYTES = str(16 * 1024 * 1024)
os.environ.setdefault("MAILFLOW_INBOUND_MIN_FREE_BYTES", TEST_MIN_FREE_BYTES)


def make_settings(tmp: Path, database_url: str, **env: str) -> Settings:
    base = {
        "MAILFLOW_DATA_DIR": str(tmp),
        "MAILFLOW_DATABASE_URL": database_url,
        "MAILFLOW_SECRET_KEYS": TEST_KEYS,
        "MAILFLOW_BASE_URL": "http://mailflow.test",
        "MAILFLOW_INBOUND_DOMAIN": "reply.mailflow.test",
        "MAILFLOW_MAIL_FROM": "Nordwind Leads <leads@nordwind.test>",
        "MAILFLOW_INBOUND_MIN_FREE_BYTES": TEST_MIN_FREE_BYTES,
    }
    base.update({f"MAILFLOW_{k.upper()}": v for k, v in env.items()})
    return load_settings(base)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dbtemplate") / "template.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_ready() -> Iterator[str]:
    """One migrated PostgreSQL database for this test run, dropped at its end."""
    require(port_open("127.0.0.1", 5432), "PostgreSQL at 127.0.0.1:5432")
    url = fresh_postgres_database()
    try:
        migrate.upgrade(url)
        yield url
    finally:
        drop_postgres_database(url)


class _PostgresReset:
    """Empty a test database between tests. TRUNCATE gives every table a new file (0.7 s
    for the whole schema on a busy two-core machine, paid by each of the PostgreSQL tests);
    a test writes a handful of tables, so this asks which ones hold rows (one query), deletes
    those children first, and starts their sequences again at 1, as TRUNCATE … RESTART
    IDENTITY did."""

    def __init__(self, url: str) -> None:
        from sqlmodel import SQLModel

        import mailflow.models  # noqa: F401

        self.engine = make_engine(url)
        self.tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
        self.probe = text(
            " UNION ALL ".join(
                f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in self.tables
            )
        )
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT t.relname, s.relname FROM pg_class s"
                    " JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')"
                    " JOIN pg_class t ON t.oid = d.refobjid WHERE s.relkind = 'S'"
                )
            ).all()
        self.sequences: dict[str, list[str]] = {}
        for table, sequence in rows:
            self.sequences.setdefault(table, []).append(sequence)

    def __call__(self) -> None:
        with self.engine.begin() as conn:
            full = {row[0] for row in conn.execute(self.probe)}
            for name in self.tables:  # children before the rows they point at
                if name in full:
                    conn.execute(text(f'DELETE FROM "{name}"'))
            for name in full:
                for sequence in self.sequences.get(name, ()):
                    conn.execute(text(f"SELECT setval('\"{sequence}\"', 1, false)"))


_RESETS: dict[str, _PostgresReset] = {}


def _truncate_postgres(url: str) -> None:
    if url not in _RESETS:
        _RESETS[url] = _PostgresReset(url)
    _RESETS[url]()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        target = tmp_path / "mailflow.sqlite3"
        shutil.copy(request.getfixturevalue("_sqlite_template"), target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("_postgres_ready")
    _truncate_postgres(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, _sqlite_template: Path) -> str:
    target = tmp_path / "mailflow.sqlite3"
    shutil.copy(_sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(tmp_path, db_url)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def rt(settings: Settings, clock: Clock) -> Iterator[Runtime]:
    runtime = Runtime(settings, clock=clock)
    yield runtime
    runtime.close()


@pytest.fixture
def smtp(rt: Runtime) -> Iterator[MailCapture]:
    capture = MailCapture().start()
    rt.use_smtp(capture.url)
    yield capture
    capture.stop()


@pytest.fixture
def queue(rt: Runtime, smtp: MailCapture) -> Iterator[JobQueue]:
    q = connect(rt, worker_threads=2)
    yield q
    q.stop()


@pytest.fixture
def world(rt: Runtime) -> World:
    return World(rt)


@pytest.fixture
def app(rt: Runtime, smtp: MailCapture) -> Any:
    from mailflow.web import create_app

    flask_app = create_app(rt, devmail=smtp)
    flask_app.testing = True
    return flask_app


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()
