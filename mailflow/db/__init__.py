"""Engine and sessions.

SQLite: WAL, a busy timeout, foreign keys, and every transaction opened with
``BEGIN IMMEDIATE`` so a claim (a pick, a sweep) takes the write lock before it reads;
the driver's own implicit transaction handling is switched off for that.
PostgreSQL: psycopg 3, READ COMMITTED; claims rely on conditional UPDATEs and
``FOR UPDATE SKIP LOCKED``.

SQLite has one writer at a time, and on SQLite one process writes (the embedded mode:
web app, SMTP server and worker threads together; production runs on PostgreSQL). Its
threads queue on a lock here: SQLite's own busy handler waits by sleeping 1, 2, 5, 10 …
ms and trying again, which under contention (the SMTP server storing while workers
process) cost more than the writes themselves. Another process writing the same file
meets the busy timeout.

``synchronous=NORMAL`` in WAL mode: a commit survives the process crashing or being
killed (it is in the WAL file, which the operating system holds); only a power cut or
an OS crash can lose the last commits. That is acceptable for processing (a lost commit
leaves the stored message unprocessed and the sweep runs it again), but not for the raw
inbound store: an SMTP 250 tells the sender the message is ours to keep, so the store
commits through :meth:`Database.durable_transaction`, ``synchronous=FULL`` (the WAL is
synced at its commit, together with every earlier commit in it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 30_000
# PostgreSQL's answers that say "this transaction lost a race, the same work may succeed
# when run again": deadlock detected, serialization failure, lock not available.
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
READ_ONLY = "mailflow_read_only"


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is a database error that running the transaction again can cure."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) in TRANSIENT_SQLSTATES


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine: Engine, synchronous: str = "NORMAL") -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Readers take no lock in WAL mode and see the last commit; writers take the write
        # lock before they read, so a claim never works on a stale row.
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str, *, synchronous: str = "NORMAL", **kwargs: Any) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _configure_sqlite(engine, synchronous)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, pool_pre_ping=True, **kwargs)


class WriteLockTimeout(Exception):
    """Another writer held the SQLite write lock longer than the busy timeout."""


class Database:
    """One per process: the engine and a session factory."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalize_url(url)
        self._engine_kwargs = engine_kwargs
        self.engine = make_engine(self.url, **engine_kwargs)
        self._durable: sessionmaker[Session] | None = None
        self._durable_init = threading.Lock()
        # re-entrant within a thread: a nested write transaction then meets SQLite's own
        # "database is locked" instead of hanging here
        self._write_lock = threading.RLock() if self.engine.dialect.name == "sqlite" else None
        self._sessions = sessionmaker(
            bind=self.engine, class_=Session, expire_on_commit=False, autoflush=True
        )
        self._read_sessions = sessionmaker(
            bind=self.engine.execution_options(**{READ_ONLY: True}),
            class_=Session,
            expire_on_commit=False,
            autoflush=True,
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error."""
        with self._transaction(self._sessions) as session:
            yield session

    @contextmanager
    def durable_transaction(self) -> Iterator[Session]:
        """A transaction whose commit is on disk when it returns, even against a power cut
        (SQLite: ``synchronous=FULL``; PostgreSQL commits are synced anyway)."""
        if self._write_lock is None:
            factory = self._sessions
        else:
            with self._durable_init:
                if self._durable is None:
                    engine = make_engine(self.url, synchronous="FULL", **self._engine_kwargs)
                    self._durable = sessionmaker(
                        bind=engine, class_=Session, expire_on_commit=False, autoflush=True
                    )
            factory = self._durable
        with self._transaction(factory) as session:
            yield session

    @contextmanager
    def _transaction(self, factory: sessionmaker[Session]) -> Iterator[Session]:
        lock = self._write_lock
        if lock is not None and not lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise WriteLockTimeout("database is locked")
        session = factory()
        try:
            with session.begin():
                yield session
        finally:
            session.close()
            if lock is not None:
                lock.release()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read: on SQLite a deferred transaction, so readers never wait for writers."""
        session = self._read_sessions()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._durable is not None:
            bind = self._durable.kw["bind"]
            bind.dispose()
