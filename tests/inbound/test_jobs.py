"""One processing job per stored message: it takes what else waits (a batch of up to
``BATCH``), the jobs of messages it took find them done, and two workers processing at
once apply every message exactly once."""

from __future__ import annotations

import threading

from dramatiq import Message
from sqlmodel import col, select

from mailflow.actions.inbound.claim import BATCH
from mailflow.actions.inbound.store import store_raw
from mailflow.inbound.process import job, process_batch
from mailflow.jobs.broker import JobQueue, connect
from mailflow.models import Event, InboundEmail
from mailflow.runtime import Runtime
from tests.inbound.conftest import Offered


def _store(offered: Offered, i: int, text: str) -> int:
    return offered.store(offered.reply_from(i, text))


def _queued(queue: JobQueue) -> list[int]:
    """The process_inbound jobs waiting in the in-process queue (their message ids)."""
    waiting = [Message.decode(m) for m in list(queue.broker.queues["default"].queue)]
    return [m.args[0] for m in waiting if m.actor_name == "process_inbound"]


def _rows(rt: Runtime) -> list[InboundEmail]:
    with rt.db.read() as s:
        return list(s.exec(select(InboundEmail).order_by(col(InboundEmail.id))))


def _note(rt: Runtime, i: int) -> int:
    """A message no reply key routes: it ends in the review queue."""
    raw = f"From: a{i}@b.example\r\nSubject: hello {i}\r\n\r\nhello\r\n".encode()
    return store_raw(rt, raw, channel="smtp", mail_from="a@b.example", rcpt_to=[])


def test_a_stored_message_keeps_its_bytes_under_the_id_the_store_handed_out(rt: Runtime) -> None:
    raw = b"From: a@b.example\r\nMessage-ID: <m1@b.example>\r\n\r\nhello\r\n"
    inbound_id = store_raw(rt, raw, channel="smtp", mail_from="a@b.example", rcpt_to=["x@y"])
    [row] = _rows(rt)
    assert (row.id, row.raw, row.state, row.attempts) == (inbound_id, raw, "received", 0)
    assert (row.message_id, row.size, row.rcpt_to) == ("<m1@b.example>", len(raw), ["x@y"])


def test_every_stored_message_sends_a_job_and_the_first_takes_the_others(
    offered: Offered,
) -> None:
    rt = offered.rt
    queue = connect(rt)  # no worker yet: the jobs wait in the queue
    try:
        ids = [_store(offered, i, t) for i, t in ((1, "no"), (2, "no, too far"), (0, "take it"))]
        for inbound_id in ids:
            rt.enqueue("process_inbound", inbound_id)
        assert _queued(queue) == ids
        queue.start_worker(1)
        queue.drain()
    finally:
        queue.stop()
    rows = _rows(rt)
    assert [(r.state, r.attempts) for r in rows] == [("applied", 1)] * 3
    assert len({r.claimed_at for r in rows}) == 1  # one claim, one transaction
    assert offered.offer_states() == ["picked", "declined", "declined"]


def test_a_job_takes_at_most_a_batch_and_leaves_the_rest_to_their_own_jobs(rt: Runtime) -> None:
    ids = [_note(rt, i) for i in range(BATCH + 2)]
    done = process_batch(rt, ids[-1])
    assert len(done.outcomes) == BATCH and ids[-1] in done.outcomes
    waiting = [r.id for r in _rows(rt) if r.state == "received"]
    assert len(waiting) == 2
    assert process_batch(rt, ids[0]).outcomes == {}  # taken by the first job already
    for inbound_id in waiting:
        assert inbound_id is not None
        job(rt, inbound_id)
    assert {r.state for r in _rows(rt)} == {"review"}
    assert process_batch(rt, waiting[0], batch=1).outcomes == {}  # done: nothing to do


def test_two_workers_at_once_apply_every_message_exactly_once(offered: Offered) -> None:
    """Two runtimes (two connection pools, as two worker processes have) run the jobs of
    the same messages at the same moment: each message is claimed by one of them."""
    rt = offered.rt
    other = Runtime(rt.settings, clock=rt.clock)
    texts = [(1, "no"), (2, "we'll take it"), (0, "we'll take it")]
    ids = [_store(offered, i, t) for i, t in texts] + [_note(rt, i) for i in range(80)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(runtime: Runtime, order: list[int]) -> None:
        try:
            start.wait()
            for inbound_id in order:
                job(runtime, inbound_id)
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    threads = [
        threading.Thread(target=worker, args=(rt, ids)),
        threading.Thread(target=worker, args=(other, list(reversed(ids)))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    other.close()
    assert errors == []
    rows = _rows(rt)
    assert all(r.attempts == 1 and r.state != "received" for r in rows)
    with rt.db.read() as s:
        picks = s.exec(select(Event).where(Event.kind == "lead.picked")).all()
    assert len(picks) == 1
    states = {r.id: r.state for r in rows}
    assert sorted(states[i] for i in ids[1:3]) == ["applied", "refused"]
