"""The production queue: the same actors on the real Redis broker."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailflow.jobs.broker import JobQueue, connect
from mailflow.mail.capture import MailCapture
from mailflow.runtime import Runtime
from tests.conftest import make_settings
from tests.factories import World
from tests.services import REDIS_URL, port_open, require


@pytest.fixture
def redis_rt(tmp_path: Path, db_url: str) -> Iterator[tuple[Runtime, JobQueue, MailCapture]]:
    require(port_open("127.0.0.1", 6379), "Redis at 127.0.0.1:6379")
    namespace = f"mailflow-test-{uuid.uuid4().hex[:8]}"
    rt = Runtime(make_settings(tmp_path, db_url, redis_url=REDIS_URL, queue_namespace=namespace))
    capture = MailCapture().start()
    rt.use_smtp(capture.url)
    queue = connect(rt, worker_threads=2)
    yield rt, queue, capture
    queue.stop()
    capture.stop()
    rt.close()


def test_a_lead_is_offered_and_mailed_through_redis(
    redis_rt: tuple[Runtime, JobQueue, MailCapture],
) -> None:
    from dramatiq.brokers.redis import RedisBroker

    rt, queue, capture = redis_rt
    assert isinstance(queue.broker, RedisBroker)
    world = World(rt)
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city)
    lead = world.lead()  # ingest enqueues "distribute" after commit
    queue.drain()
    assert world.reload(lead).state == "offered"
    assert len(capture.messages()) == 3
    assert {m.to[0] for m in capture.messages()} == {
        c.email
        for o in world.offers(lead.id)
        for c in world.contacts(o.organization_id)  # type: ignore[arg-type]
    }
