"""The inbound spool: on SQLite a received message is committed to a file of its own, so
storing never waits for the main database's writer (a batch being applied, an import);
processing moves it into ``inbound_email`` under the same id and loses nothing when a
move is cut short."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from sqlmodel import col, select

from mailflow.inbound import spool
from mailflow.inbound.store import store_raw
from mailflow.models import InboundEmail
from mailflow.runtime import Runtime
from tests.conftest import make_settings


@pytest.fixture
def sqlite_rt(tmp_path: Path, _sqlite_template: Path) -> Iterator[Runtime]:
    target = tmp_path / "mailflow.sqlite3"
    shutil.copy(_sqlite_template, target)
    runtime = Runtime(make_settings(tmp_path, f"sqlite:///{target}"))
    yield runtime
    runtime.close()


def _store(rt: Runtime, text_: str) -> int:
    raw = f"From: a@b.example\r\nSubject: {text_}\r\n\r\n{text_}\r\n".encode()
    return store_raw(rt, raw, channel="smtp", mail_from="a@b.example", rcpt_to=["x@y.test"])


def _rows(rt: Runtime) -> list[tuple[int, str | None]]:
    with rt.db.read() as s:
        found = s.exec(
            select(InboundEmail.id, InboundEmail.mail_from).order_by(col(InboundEmail.id))
        )
        return [(i, m) for i, m in found if i is not None]


def _raws(rt: Runtime) -> dict[int, bytes]:
    with rt.db.read() as s:
        return {i: raw for i, raw in s.exec(select(InboundEmail.id, InboundEmail.raw)) if i}


def test_a_stored_message_is_moved_in_under_the_id_the_store_handed_out(rt: Runtime) -> None:
    ids = [_store(rt, "one"), _store(rt, "two")]
    spool.move_in(rt)  # PostgreSQL: stored there already, nothing to move
    assert [i for i, _ in _rows(rt)] == ids
    assert b"two" in _raws(rt)[ids[1]]


def test_on_sqlite_the_store_commits_to_the_spool_file_beside_the_database(
    sqlite_rt: Runtime, tmp_path: Path
) -> None:
    row_id = _store(sqlite_rt, "hello")
    assert (tmp_path / "mailflow-inbound-spool.sqlite3").exists()
    assert _rows(sqlite_rt) == []
    assert sqlite_rt.spool() is not None and sqlite_rt.spool().pending() == 1  # type: ignore[union-attr]
    assert spool.move_in(sqlite_rt) == 1
    assert _rows(sqlite_rt) == [(row_id, "a@b.example")]
    assert spool.move_in(sqlite_rt) == 0  # quiet: the moved message leaves the spool
    assert sqlite_rt.spool().pending() == 0  # type: ignore[union-attr]
    assert _rows(sqlite_rt) == [(row_id, "a@b.example")]


def test_during_a_stream_moved_messages_leave_the_spool_in_bulk(
    sqlite_rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    spooled = sqlite_rt.spool()
    assert spooled is not None
    monkeypatch.setattr(spooled, "DROP_AT", 3)
    ids = []
    for n in range(4):
        ids.append(_store(sqlite_rt, f"m{n}"))
        assert spool.move_in(sqlite_rt) == 1  # each move finds a new one: not quiet
    assert spooled.pending() == 1  # the first three were deleted together
    assert spool.move_in(sqlite_rt) == 0 and spooled.pending() == 0
    assert [i for i, _ in _rows(sqlite_rt)] == ids
    _store(sqlite_rt, "last")
    assert spool.move_in(sqlite_rt) == 1 and spooled.pending() == 1
    sqlite_rt.close()  # a process that stops deletes what it moved
    again = Runtime(sqlite_rt.settings)
    try:
        assert again.spool().pending() == 0  # type: ignore[union-attr]
    finally:
        again.close()


def test_a_store_does_not_wait_for_a_writer_of_the_main_database(sqlite_rt: Runtime) -> None:
    sqlite_rt.spool()  # opened (it reads the main database once, without a lock)
    stored: list[int] = []
    with sqlite_rt.db.transaction() as s:  # holds the main database's write lock
        s.execute(text("UPDATE inboundemail SET attempts = attempts"))
        worker = threading.Thread(target=lambda: stored.append(_store(sqlite_rt, "now")))
        worker.start()
        worker.join(timeout=10)
        assert stored, "the store waited for the main database's writer"
    spool.move_in(sqlite_rt)
    assert [i for i, _ in _rows(sqlite_rt)] == stored


def test_a_move_cut_short_before_the_spool_let_go_is_finished_without_a_copy(
    sqlite_rt: Runtime,
) -> None:
    first, second = _store(sqlite_rt, "first"), _store(sqlite_rt, "second")
    spooled = sqlite_rt.spool()
    assert spooled is not None
    # the main database committed the move, then the process died before the spool's delete
    rows = spooled.take(10)
    with sqlite_rt.db.transaction() as s:
        s.connection().execute(insert(InboundEmail), [spool._row(rows[0])])
    assert spool.move_in(sqlite_rt) == 2
    assert spool.move_in(sqlite_rt) == 0
    assert [i for i, _ in _rows(sqlite_rt)] == [first, second]
    assert spooled.pending() == 0


def test_an_id_taken_by_another_message_costs_nothing_the_spooled_one_gets_a_new_id(
    sqlite_rt: Runtime,
) -> None:
    row_id = _store(sqlite_rt, "spooled")
    spooled = sqlite_rt.spool()
    assert spooled is not None
    [row] = spooled.take(1)
    other = {**row, "raw": b"Subject: someone else\r\n\r\nelse\r\n", "sha256": "0" * 64}
    with sqlite_rt.db.transaction() as s:  # written some other way, under the same id
        s.connection().execute(insert(InboundEmail), [spool._row(other)])
    assert spool.move_in(sqlite_rt) == 1
    raws = _raws(sqlite_rt)
    assert len(raws) == 2 and b"someone else" in raws[row_id]
    assert any(b"spooled" in raw for i, raw in raws.items() if i != row_id)


def test_a_new_spool_hands_out_ids_above_every_stored_message(
    sqlite_rt: Runtime, tmp_path: Path
) -> None:
    for n in range(3):
        _store(sqlite_rt, f"m{n}")
    spool.move_in(sqlite_rt)
    sqlite_rt.close()
    (tmp_path / "mailflow-inbound-spool.sqlite3").unlink()  # lost, or an older install
    again = Runtime(sqlite_rt.settings)
    try:
        row_id = _store(again, "after")
        spool.move_in(again)
        assert row_id == 4 and [i for i, _ in _rows(again)] == [1, 2, 3, 4]
    finally:
        again.close()
