"""On the real Redis: a worker SIGKILLed in the middle of a sweep, and Redis
restarted during one — the next sweep completes every escalation, none is lost or
doubled (the state lives in the database, not in broker messages)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from sqlmodel import func, select

from mailflow.jobs.broker import connect
from mailflow.jobs.sweeps import sweep_offers
from mailflow.mail.capture import MailCapture
from mailflow.models import Contact, Event, Lead, OutboundEmail
from mailflow.runtime import Runtime
from tests.conftest import TEST_KEYS, make_settings
from tests.factories import World
from tests.reliability._faults import ROOT, OwnRedis, wait_for
from tests.services import REDIS_URL, port_open, require

LEADS = 120


def _unassigned(rt: Runtime) -> int:
    with rt.db.read() as s:
        return int(s.exec(select(func.count()).where(Lead.state == "unassigned")).one())


def _due_leads(rt: Runtime, world: World) -> None:
    """LEADS leads whose one offer expired an hour ago (in real time: the worker process
    has the wall clock) and which have no ring left: each sweep step is an escalation."""
    with rt.db.transaction() as s:
        s.add(
            Contact(
                organization_id=world.manufacturer(),
                name="Paula",
                email="paula@nordwind.test",
                role="partner_manager",
                receives_offers=False,
                created_at=rt.clock.now(),
            )
        )
    world.partner("Stuttgart")
    rt.clock.set(datetime.now(UTC) - timedelta(hours=13))
    for _ in range(LEADS):
        world.offered_lead()
    rt.clock.thaw()


def _assert_each_escalated_once(rt: Runtime) -> None:
    with rt.db.read() as s:
        leads = Counter(s.exec(select(Lead.state)).all())
        kinds = Counter(
            e.kind
            for e in s.exec(
                select(Event).where(
                    Event.kind.in_(("lead.unassigned", "lead.escalated", "offer.expired"))  # type: ignore[attr-defined]
                )
            )
        )
        mails = Counter(s.exec(select(OutboundEmail.kind)).all())
    assert leads == {"unassigned": LEADS}
    assert kinds == {"lead.unassigned": LEADS, "lead.escalated": LEADS, "offer.expired": LEADS}
    assert mails["escalation"] == LEADS and mails["moved_on"] == LEADS


def _settings_env(
    tmp: Path, db_url: str, redis_url: str, namespace: str, smtp: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env.update(
        MAILFLOW_DATA_DIR=str(tmp),
        MAILFLOW_DATABASE_URL=db_url,
        MAILFLOW_REDIS_URL=redis_url,
        MAILFLOW_QUEUE_NAMESPACE=namespace,
        MAILFLOW_SECRET_KEYS=TEST_KEYS,
        MAILFLOW_SMTP_URL=smtp,
        MAILFLOW_MAX_RINGS="1",
        MAILFLOW_SWEEP_BATCH="5",
        MAILFLOW_BASE_URL="http://mailflow.test",
        MAILFLOW_INBOUND_DOMAIN="reply.mailflow.test",
        PYTHONPATH=str(ROOT),
    )
    return env


WORKER = "import time, mailflow.worker as w; w.queue.start_worker(1); time.sleep(3600)"


@pytest.fixture
def namespace() -> Iterator[str]:
    name = f"mailflow-test-{uuid.uuid4().hex[:8]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{name}*"))
    if keys:
        client.delete(*keys)


def test_a_worker_killed_mid_sweep_loses_and_doubles_no_escalation(
    tmp_path: Path, db_url: str, namespace: str
) -> None:
    require(port_open("127.0.0.1", 6379), "Redis at 127.0.0.1:6379")
    capture = MailCapture().start()
    rt = Runtime(
        make_settings(
            tmp_path,
            db_url,
            redis_url=REDIS_URL,
            queue_namespace=namespace,
            max_rings="1",
            sweep_batch="5",
        )
    )
    queue = connect(rt)  # this process only sends
    env = _settings_env(tmp_path, db_url, REDIS_URL, namespace, capture.url)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        _due_leads(rt, World(rt))
        first = subprocess.Popen([sys.executable, "-c", WORKER], env=env, cwd=ROOT)
        workers.append(first)
        queue.send("sweep_offers")
        wait_for(lambda: _unassigned(rt) > 0, what="the sweep to start")
        first.send_signal(signal.SIGKILL)  # in the middle of the sweep
        first.wait(10)
        partial = _unassigned(rt)
        assert 0 < partial < LEADS, "the worker must die in the middle of the sweep"

        second = subprocess.Popen([sys.executable, "-c", WORKER], env=env, cwd=ROOT)
        workers.append(second)
        queue.send("sweep_offers")  # the scheduler's next minute
        wait_for(lambda: _unassigned(rt) == LEADS, what="the next sweep to finish")
        # The dead worker's message stays unacknowledged until Redis' heartbeat timeout
        # hands it back; that sweep, like any later one, finds nothing left to do.
        assert sweep_offers(rt) == 0
        _assert_each_escalated_once(rt)
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(10)
        queue.stop()
        capture.stop()
        rt.close()


def test_a_redis_restart_during_a_sweep_loses_and_doubles_no_escalation(
    tmp_path: Path, db_url: str
) -> None:
    require(shutil.which("redis-server") is not None, "redis-server")
    own = OwnRedis(tmp_path)
    own.start()
    capture = MailCapture().start()
    rt = Runtime(
        make_settings(
            tmp_path,
            db_url,
            redis_url=own.url,
            queue_namespace="mailflow-restart",
            max_rings="1",
            sweep_batch="5",
        )
    )
    rt.use_smtp(capture.url)
    queue = connect(rt, worker_threads=1)
    try:
        _due_leads(rt, World(rt))
        queue.drain()  # the offer emails of the set-up
        queue.send("sweep_offers")
        wait_for(lambda: _unassigned(rt) > 0, what="the sweep to start")
        partial = _unassigned(rt)  # counted before the kill: the kill itself takes a moment
        own.stop()  # Redis goes away in the middle of the sweep …
        assert partial < LEADS, "Redis must go away in the middle of the sweep"
        time.sleep(0.5)
        own.start()  # … and comes back empty (no persistence)
        queue.send("sweep_offers")  # the scheduler's next minute
        wait_for(lambda: _unassigned(rt) == LEADS, 60, "the next sweep to finish")
        queue.drain()
        _assert_each_escalated_once(rt)
        queue.send("sweep_outbox")  # emails whose send job was lost go out from the outbox
        queue.drain()
        sent = Counter(m.message["X-Mailflow-Kind"] for m in capture.messages())
        assert sent["escalation"] == LEADS and sent["moved_on"] == LEADS  # each once
    finally:
        queue.stop()
        own.stop()
        capture.stop()
        rt.close()
