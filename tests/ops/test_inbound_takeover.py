"""A worker killed (SIGKILL) in the middle of a reply it claimed: once its heartbeat has
expired the next inbound sweep hands the reply to a healthy worker, which applies it
once, seconds after the kill instead of the claim's 5-minute lease. Real processes on one
PostgreSQL and one Redis; the test holds the offer table locked, so the dying worker's
batch stops after its committed claim, waiting for the lock, until the kill."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from mailflow.actions.inbound import sweep
from mailflow.actions.inbound.store import store_raw
from mailflow.db import migrate
from mailflow.jobs.broker import connect
from mailflow.mail.capture import MailCapture
from mailflow.models import Event, InboundEmail, Offer, OutboundEmail
from mailflow.models.states import InboundState, LeadState, OfferState
from mailflow.runtime import Runtime
from tests.conftest import TEST_KEYS, make_settings
from tests.factories import World
from tests.mail import reply
from tests.ops.stack import Stack, environment
from tests.reliability._faults import wait_for
from tests.services import (
    REDIS_URL,
    drop_postgres_database,
    fresh_postgres_database,
    port_open,
    require,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
HEARTBEAT_S = 3  # the least the setting allows: the test waits for it to expire


@pytest.fixture
def database() -> Iterator[str]:
    require(port_open("127.0.0.1", 5432), "PostgreSQL")
    require(port_open("127.0.0.1", 6379), "Redis")
    url = fresh_postgres_database("mailflow_inbound_takeover")
    migrate.upgrade(url)
    yield url
    drop_postgres_database(url)


def _stored_reply(rt: Runtime) -> int:
    world = World(rt)
    world.partner("Stuttgart")
    world.offered_lead()
    with rt.db.read() as s:
        offer_mail = s.exec(select(OutboundEmail).where(OutboundEmail.kind == "offer")).first()
    assert offer_mail is not None and offer_mail.offer_id and offer_mail.contact_id
    to = f"reply+{rt.reply_key(offer_mail.offer_id, offer_mail.contact_id)}@reply.mailflow.test"
    headers = {"In-Reply-To": f"<{offer_mail.message_id}>"}
    raw = reply("Wir nehmen ihn!", to=to, sender=offer_mail.to_addr, headers=headers)
    return store_raw(rt, raw, channel="webhook", mail_from=offer_mail.to_addr, rcpt_to=[to])


def _row(rt: Runtime, inbound_id: int) -> InboundEmail:
    with rt.db.read() as s:
        row = s.get(InboundEmail, inbound_id)
    assert row is not None
    return row


def _waiting_on_a_lock(rt: Runtime) -> bool:
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with rt.db.read() as s:
        return int(s.connection().execute(query).scalar_one()) > 0


@pytest.mark.timeout(300)
def test_a_reply_claimed_by_a_killed_worker_is_applied_once_by_a_healthy_worker_within_seconds(
    tmp_path: Path, database: str
) -> None:
    sink = MailCapture().start()
    env = environment(tmp_path, database, REDIS_URL, sink.url, TEST_KEYS)
    env["MAILFLOW_WORKER_HEARTBEAT_SECONDS"] = str(HEARTBEAT_S)
    rt = Runtime(make_settings(
        tmp_path, database, redis_url=REDIS_URL, smtp_url=sink.url,
        queue_namespace=env["MAILFLOW_QUEUE_NAMESPACE"], redis_prefix=env["MAILFLOW_REDIS_PREFIX"],
        worker_heartbeat_seconds=str(HEARTBEAT_S),
    ))  # fmt: skip
    inbound_id = _stored_reply(rt)  # no queue in this runtime yet: the reply waits
    stack = Stack(env, tmp_path)
    queue = connect(rt)
    locker = create_engine(database).connect()
    try:
        locker.begin()
        locker.execute(text("LOCK TABLE offer IN ACCESS EXCLUSIVE MODE"))
        stack.worker("dying")
        queue.send("process_inbound", inbound_id)
        wait_for(
            lambda: bool(_row(rt, inbound_id).claimed_by) and _waiting_on_a_lock(rt),
            60,
            "the first worker to claim the reply and stop mid-batch",
        )
        holder = _row(rt, inbound_id).claimed_by
        time.sleep(HEARTBEAT_S + 1)  # longer than a heartbeat lives: it was renewed
        assert sweep.hand_back(rt) == []  # a live worker keeps its claim
        assert _row(rt, inbound_id).claimed_by == holder

        stack.kill("dying")
        killed = time.monotonic()
        locker.rollback()
        stack.worker("healthy")
        while _row(rt, inbound_id).state == InboundState.RECEIVED:
            assert time.monotonic() - killed < 120, stack.log("healthy")
            queue.send("sweep_inbound")  # what the scheduler sends every minute
            time.sleep(1)
        taken_over_after = time.monotonic() - killed
    finally:
        locker.close()
        queue.stop()
        stack.stop()
        sink.stop()
    print(f"reply claimed by a killed worker applied {taken_over_after:.1f} s after the kill")
    row = _row(rt, inbound_id)
    assert (row.state, row.attempts) == (InboundState.APPLIED, 2)
    assert row.claimed_by != holder
    with rt.db.read() as s:
        picked = s.exec(select(Event.kind).where(Event.to_state == LeadState.PICKED)).all()
        assert sorted(picked) == ["lead.picked", "offer.picked"]  # applied once
        states = s.exec(select(Offer.state)).all()
    assert states.count(OfferState.PICKED) == 1
    rt.close()
