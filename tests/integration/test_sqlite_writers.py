"""SQLite writers of several processes queue on the writer lock, in turn.

Real processes (spawned interpreters) on one SQLite file: no "database is locked", no
lost row, and a process waiting for the lock goes before the one that just released it
takes it back."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from sqlalchemy import text

from mailflow.db import Database

WRITES = 150


def _writer(url: str, name: str, start: float) -> None:
    db = Database(url)
    while time.time() < start:
        time.sleep(0.001)
    for i in range(WRITES):
        with db.transaction() as s:
            s.execute(text("INSERT INTO log (who, n) VALUES (:who, :n)"), {"who": name, "n": i})
    db.dispose()


def _greedy(url: str, start: float) -> None:
    """Holds the lock, lets it go and at once wants it back, three times."""
    db = Database(url)
    while time.time() < start:
        time.sleep(0.001)
    for i in range(3):
        with db.transaction() as s:
            s.execute(text("INSERT INTO log (who, n) VALUES ('greedy', :n)"), {"n": i})
            time.sleep(0.3)  # the other process starts waiting meanwhile
    db.dispose()


def _waiter(url: str, start: float) -> None:
    db = Database(url)
    while time.time() < start + 0.1:  # the greedy one holds the lock by now
        time.sleep(0.001)
    with db.transaction() as s:
        s.execute(text("INSERT INTO log (who, n) VALUES ('waiter', 0)"))
    db.dispose()


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


def test_a_waiting_process_goes_before_the_one_that_released(tmp_path: Path) -> None:
    url = _database(tmp_path)
    ctx = multiprocessing.get_context("spawn")
    start = time.time() + 2
    _run(
        ctx.Process(target=_greedy, args=(url, start)),
        ctx.Process(target=_waiter, args=(url, start)),
    )
    db = Database(url)
    with db.read() as s:
        order = [tuple(r) for r in s.execute(text("SELECT who, n FROM log ORDER BY id"))]
    # without turns the greedy process takes the lock straight back, three times over
    assert order == [("greedy", 0), ("waiter", 0), ("greedy", 1), ("greedy", 2)]
