"""SQLite writers: the threads of one process (the embedded mode) queue on its writer
lock; real processes (spawned interpreters) on one SQLite file wait out SQLite's busy
timeout. Either way no "database is locked" and no lost row."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

from sqlalchemy import text

from mailflow.db import Database

WRITES = 150


def _writer(url: str, name: str, start: float) -> None:
    db = Database(url)
    _writes(db, name, start)
    db.dispose()


def _writes(db: Database, name: str, start: float) -> None:
    while time.time() < start:
        time.sleep(0.001)
    for i in range(WRITES):
        with db.transaction() as s:
            s.execute(text("INSERT INTO log (who, n) VALUES (:who, :n)"), {"who": name, "n": i})


def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'writers.sqlite3'}"
    db = Database(url)
    with db.transaction() as s:
        s.execute(text("CREATE TABLE log (id INTEGER PRIMARY KEY, who TEXT, n INTEGER)"))
    db.dispose()
    return url


def _run(*procs: multiprocessing.process.BaseProcess) -> None:
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0


def test_processes_writing_at_once_all_commit(tmp_path: Path) -> None:
    url = _database(tmp_path)
    ctx = multiprocessing.get_context("spawn")
    start = time.time() + 2
    _run(*(ctx.Process(target=_writer, args=(url, f"p{i}", start)) for i in range(3)))
    db = Database(url)
    with db.read() as s:
        rows = s.execute(text("SELECT who, count(*) FROM log GROUP BY who ORDER BY who")).all()
    assert [tuple(r) for r in rows] == [("p0", WRITES), ("p1", WRITES), ("p2", WRITES)]


def test_threads_of_one_process_writing_at_once_all_commit(tmp_path: Path) -> None:
    db = Database(_database(tmp_path))  # one per process, shared by its threads
    start = time.time() + 0.5
    threads = [threading.Thread(target=_writes, args=(db, f"t{i}", start)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with db.read() as s:
        rows = s.execute(text("SELECT who, count(*) FROM log GROUP BY who ORDER BY who")).all()
    db.dispose()
    assert [tuple(r) for r in rows] == [(f"t{i}", WRITES) for i in range(4)]
