"""A stored message wakes one processing job; a job that has not started yet stands for
every message stored meanwhile, and a started job drains the store, batch after batch."""

from __future__ import annotations

import time
import uuid

import pytest
from dramatiq import Message
from sqlmodel import col, select

from mailflow.broker import JobQueue, connect
from mailflow.inbound import process
from mailflow.inbound.process import WAKE_FLAG, wake
from mailflow.models import InboundEmail
from mailflow.runtime import Runtime
from tests.inbound.conftest import Offered
from tests.services import REDIS_URL, port_open, require


def _store(offered: Offered, i: int, text: str) -> int:
    return offered.store(offered.reply_from(i, text))


def _queued(queue: JobQueue) -> list[str]:
    """The process_inbound jobs waiting in the in-process queue (their message ids)."""
    waiting = [Message.decode(m) for m in list(queue.broker.queues["default"].queue)]
    return [m.args[0] for m in waiting if m.actor_name == "process_inbound"]


def _states(rt: Runtime) -> list[str]:
    with rt.db.read() as s:
        return list(s.exec(select(InboundEmail.state).order_by(col(InboundEmail.id))).all())


def test_one_waiting_job_stands_for_every_message_stored_before_it_starts(
    offered: Offered,
) -> None:
    rt = offered.rt
    queue = connect(rt)  # no worker yet: the jobs wait in the queue
    try:
        ids = [_store(offered, i, t) for i, t in ((1, "no"), (2, "no, too far"), (0, "take it"))]
        for inbound_id in ids:
            wake(rt, inbound_id)
        assert _queued(queue) == [ids[0]]  # the first message's job only
        queue.start_worker(1)
        queue.drain()
        assert _states(rt) == ["applied", "applied", "applied"]
        assert offered.offer_states() == ["picked", "declined", "declined"]
        # that job is done (and lowered the flag): the next message wakes a new one
        wake(rt, _store(offered, 0, "contacted the customer"))
        queue.drain()
    finally:
        queue.stop()
    assert _states(rt) == ["applied"] * 4
    assert offered.lead_state() == "contacted"


def test_a_draining_job_keeps_its_flag_so_messages_stored_meanwhile_send_no_job(
    offered: Offered, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = offered.rt
    queue = connect(rt)
    drains: list[int] = []
    real_drain, real_linger = process.drain, process.linger

    def drain(rt_: Runtime, inbound_id: int) -> list[int]:
        drains.append(inbound_id)
        return real_drain(rt_, inbound_id)

    def linger(rt_: Runtime) -> None:  # while the job drains, two more replies come in
        if len(drains) == 1 and len(_states(rt)) == 1:
            for i, text in ((2, "not interested"), (0, "we'll take it")):
                wake(rt, _store(offered, i, text))
        real_linger(rt_)

    monkeypatch.setattr(process, "drain", drain)
    monkeypatch.setattr(process, "linger", linger)
    try:
        wake(rt, _store(offered, 1, "no"))
        queue.start_worker(2)
        queue.drain()
        assert _states(rt) == ["applied"] * 3
        assert len(drains) == 1  # one job applied all three
        assert queue.hold(WAKE_FLAG)  # and lowered its flag when it was done
    finally:
        queue.stop()
    assert offered.offer_states() == ["picked", "declined", "declined"]


def test_a_message_stored_while_the_job_lowers_its_flag_is_not_left_behind(
    offered: Offered, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = offered.rt
    queue = connect(rt)  # no worker: a job sent stays in the queue
    real_lower = queue.lower
    late: list[tuple[int, str, bool]] = [(2, "not interested", True)]  # (partner, text, wake)
    stored: list[int] = []

    def lower_then_store(flag: str) -> None:
        real_lower(flag)
        if late:  # a reply stored at that very moment
            i, text, wakes = late.pop()
            stored.append(_store(offered, i, text))
            if wakes:  # its wake-up raises the flag and sends a job
                wake(rt, stored[-1])

    monkeypatch.setattr(queue, "lower", lower_then_store)
    try:
        first = _store(offered, 1, "no")
        assert queue.hold(WAKE_FLAG)
        assert process.drain(rt, first) == []
        # the late reply's job will apply it: this one left it and the flag alone
        assert _states(rt) == ["applied", "received"] and _queued(queue) == stored
        assert not queue.hold(WAKE_FLAG)
        queue.broker.flush_all()
        real_lower(WAKE_FLAG)

        late.append((0, "contacted the customer", False))  # stored, but no job sent
        pick = _store(offered, 0, "we'll take it")
        assert queue.hold(WAKE_FLAG)
        assert process.drain(rt, pick) == []
        # nobody else raised the flag: the job raised it again and applied the late one
        assert _states(rt) == ["applied"] * 4 and _queued(queue) == []
        assert queue.hold(WAKE_FLAG)  # lowered once none was left
    finally:
        queue.stop()
    assert offered.lead_state() == "contacted"


def test_a_job_drains_the_store_batch_after_batch_and_hands_a_long_stream_on(
    offered: Offered, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = offered.rt
    monkeypatch.setattr(process, "BATCH", 1)
    monkeypatch.setattr(process, "DRAIN_BATCHES", 2)
    queue = connect(rt)
    try:
        ids = [_store(offered, i, t) for i, t in ((1, "no"), (2, "no"), (0, "we'll take it"))]
        assert process.drain(rt, ids[0]) == []
        # two batches of one, then the third message is handed to a new job
        assert _states(rt) == ["applied", "applied", "received"]
        assert _queued(queue) == [ids[2]]
        queue.start_worker(1)
        queue.drain()
    finally:
        queue.stop()
    assert _states(rt) == ["applied"] * 3
    assert offered.offer_states() == ["picked", "declined", "declined"]


def test_wake_flags_are_shared_through_redis_and_expire() -> None:
    require(port_open("127.0.0.1", 6379), "Redis at 127.0.0.1:6379")
    from mailflow.settings import load_settings

    settings = load_settings({"MAILFLOW_REDIS_URL": REDIS_URL, "MAILFLOW_DATA_DIR": "/tmp"})
    namespace = f"mailflow-wake-{uuid.uuid4().hex}"
    rt, other = Runtime(settings), Runtime(settings)
    first, second = connect(rt, namespace=namespace), connect(other, namespace=namespace)
    try:
        assert first.wake(WAKE_FLAG, "process_inbound", 1)
        assert not second.wake(WAKE_FLAG, "process_inbound", 2)  # another process sees it
        second.lower(WAKE_FLAG)
        assert second.wake(WAKE_FLAG, "process_inbound", 3, ttl_s=2)
        client = first.broker.client  # type: ignore[attr-defined]
        flag = f"{namespace}:wake:{WAKE_FLAG}"
        assert 0 < client.pttl(flag) <= 2000
        assert not first.wake(WAKE_FLAG, "process_inbound", 4)  # job 3 has not started
        deadline = time.monotonic() + 10  # a lost job holds the flag only until it expires
        while client.exists(flag) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert first.wake(WAKE_FLAG, "process_inbound", 5)
        assert client.llen(f"{namespace}:default") == 3
    finally:
        first.broker.flush_all()
        first.stop()
        second.stop()
        rt.close()
        other.close()
