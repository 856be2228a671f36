"""Engine and sessions.

SQLite: WAL, a busy timeout, foreign keys, and every transaction opened with
``BEGIN IMMEDIATE`` so a claim (a pick, a sweep) takes the write lock before it reads;
the driver's own implicit transaction handling is switched off for that.
PostgreSQL: psycopg 3, READ COMMITTED; claims rely on conditional UPDATEs and
``FOR UPDATE SKIP LOCKED``.

SQLite has one writer at a time. Writers queue on a lock here instead: SQLite's own busy
handler waits by sleeping 1, 2, 5, 10 … ms and trying again, which under contention (an
SMTP server storing while workers process) cost more than the writes themselves. Threads
of one process queue on a re-entrant lock; processes (the SMTP server, the workers, the
web app on one SQLite file) on an advisory ``flock`` of ``<database>-writer``, in turn
(see :class:`_WriterLock`). Where ``flock`` does not exist (Windows) processes meet the
busy timeout as before.

``synchronous=NORMAL`` in WAL mode: a commit survives the process crashing or being
killed (it is in the WAL file, which the operating system holds); only a power cut or
an OS crash can lose the last commits. That is acceptable for processing (a lost commit
leaves the stored message unprocessed and the sweep runs it again), but not for the raw
inbound store: an SMTP 250 tells the sender the message is ours to keep, so the store
commits through :meth:`Database.durable_transaction`, ``synchronous=FULL`` (the WAL is
synced at its commit, together with every earlier commit in it).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "mailflow_read_only"


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


class _WriterLock:
    """One SQLite writer at a time: threads on an RLock, processes on ``flock``.

    Between processes the lock is taken in turn: a writer first holds a turnstile file,
    then the writer file, then lets the turnstile go. One that waits for the writer file
    holds the turnstile, so the process that just released cannot take the writer file
    straight back; the waiter goes next (an SMTP server storing one message at a time
    is not starved by a worker that commits message after message).

    Re-entrant within a thread (a nested write transaction then meets SQLite's own
    "database is locked" as before instead of hanging here)."""

    # flock cannot wait with a timeout: a waiter tries again after POLL_S, then less and
    # less often (a worker waiting out another's batch must not spin against it)
    POLL_S, POLL_MAX_S = 0.0002, 0.002

    def __init__(self, database: str | None) -> None:
        self._threads = threading.RLock()
        self._depth = 0
        self._path = f"{database}-writer" if database and database != ":memory:" else None
        self._fds: tuple[int, int] | None = None  # (turnstile, writer)
        self._pid = 0

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            return False
        if self._depth == 0 and not self._lock_files(deadline):
            self._threads.release()
            return False
        self._depth += 1
        return True

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fds is not None:
            _flock(self._fds[1], unlock=True)
        self._threads.release()

    def _lock_files(self, deadline: float) -> bool:
        if self._path is None or not _HAS_FLOCK:  # Windows: SQLite's busy timeout
            return True
        if self._fds is None or self._pid != os.getpid():  # a forked child opens its own
            self._fds = (self._open(".turn"), self._open(""))
            self._pid = os.getpid()
        turnstile, writer = self._fds
        if not self._wait(turnstile, deadline):
            return False
        try:
            return self._wait(writer, deadline)
        finally:
            _flock(turnstile, unlock=True)

    def _wait(self, fd: int, deadline: float) -> bool:
        pause = self.POLL_S
        while not _flock(fd):
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, self.POLL_MAX_S)
        return True

    def _open(self, suffix: str) -> int:
        assert self._path is not None
        return os.open(self._path + suffix, os.O_RDWR | os.O_CREAT, 0o600)

    def close(self) -> None:
        if self._fds is not None and self._depth == 0 and self._pid == os.getpid():
            for fd in self._fds:
                os.close(fd)
            self._fds = None


try:
    import fcntl

    _HAS_FLOCK = True
except ImportError:  # pragma: no cover - Windows
    _HAS_FLOCK = False


def _flock(fd: int, *, unlock: bool = False) -> bool:
    """Lock (without waiting) or unlock ``fd``; False when another process holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_UN if unlock else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class Database:
    """One per process: the engine and a session factory."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalize_url(url)
        self._engine_kwargs = engine_kwargs
        self.engine = make_engine(self.url, **engine_kwargs)
        self._durable: sessionmaker[Session] | None = None
        self._durable_init = threading.Lock()
        self._write_lock: _WriterLock | None = (
            _WriterLock(make_url(self.url).database)
            if self.engine.dialect.name == "sqlite"
            else None
        )
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
        if self._write_lock is not None:
            self._write_lock.close()
        if self._durable is not None:
            bind = self._durable.kw["bind"]
            bind.dispose()
