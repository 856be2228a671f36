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
        # that job started (and lowered the flag): the next message wakes a new one
        wake(rt, _store(offered, 0, "contacted the customer"))
        queue.drain()
    finally:
        queue.stop()
    assert _states(rt) == ["applied"] * 4
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
    from config import load_settings

    settings = load_settings({"MAILFLOW_REDIS_URL": REDIS_URL, "MAILFLOW_DATA_DIR": "/tmp"})
    namespace = f"mailflow-wake-{uuid.uuid4().hex}"
    rt, other = Runtime(settings), Runtime(settings)
    first, second = connect(rt, namespace=namespace), connect(other, namespace=namespace)
    try:
        assert first.wake(WAKE_FLAG, "process_inbound", 1)
        assert not second.wake(WAKE_FLAG, "process_inbound", 2)  # another process sees it
        second.started(WAKE_FLAG)
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
