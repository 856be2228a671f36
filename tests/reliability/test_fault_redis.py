"""Redis restarted (empty: no persistence) in the middle of 1,000 enqueues: the enqueues
that hit the outage fail, the messages Redis held are gone, and still every email goes out,
exactly once, after the next outbox sweep — the work lives in the outbox rows. The same
for new leads: every lead is offered once after the next offer sweep."""

from __future__ import annotations

import logging
import shutil
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from mailflow.actions import unit
from mailflow.actions.outbound import outbox
from mailflow.jobs.broker import connect
from mailflow.mail.capture import MailCapture
from mailflow.models import Contact, Event, Lead, Offer, OutboundEmail
from mailflow.runtime import Runtime
from tests.conftest import make_settings
from tests.factories import World
from tests.reliability._faults import OwnRedis, wait_for
from tests.services import require

JOBS = 1000


def _outbox(rt: Runtime) -> list[OutboundEmail]:
    with rt.db.read() as s:
        return list(s.exec(select(OutboundEmail).order_by(col(OutboundEmail.id))))


def _queue_emails(rt: Runtime, world: World, n: int) -> list[int]:
    """n offer emails in the outbox, queued by the real outbox function in one action."""
    world.partner("Stuttgart")
    lead, _ = world.offered_lead()
    [first] = _outbox(rt)
    with rt.db.read() as s:
        contact = s.get(Contact, first.contact_id)
    assert contact is not None
    with unit(rt, "test", "job") as ctx:
        for _ in range(n - 1):
            outbox.queue(
                ctx, first.kind, contact, first.context, lead_id=lead.id, offer_id=first.offer_id
            )
    return [e.id for e in _outbox(rt)]  # type: ignore[misc]


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # the production pairing
def test_a_redis_restart_during_1000_enqueues_loses_no_email_after_the_next_sweep(
    tmp_path: Path, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    require(shutil.which("redis-server") is not None, "redis-server")
    own = OwnRedis(tmp_path).start()
    capture = MailCapture().start()
    rt = Runtime(
        make_settings(tmp_path, db_url, redis_url=own.url, queue_namespace="mailflow-enqueue")
    )
    rt.use_smtp(capture.url)
    rt.send_mail_now = False  # this test does the enqueues itself, one job per email
    ids = _queue_emails(rt, World(rt), JOBS)
    queue = connect(rt, worker_threads=2)
    restarted = threading.Event()

    def restart() -> None:
        own.stop()
        threading.Event().wait(0.3)
        own.start()
        restarted.set()

    try:
        with caplog.at_level(logging.ERROR, logger="mailflow.runtime"):
            for n, email_id in enumerate(ids):
                if n == JOBS // 3:
                    threading.Thread(target=restart, daemon=True).start()
                rt.enqueue("send_emails", [email_id])  # never raises: logs, the sweep follows
            wait_for(restarted.is_set, 20, "Redis to come back")
        lost = sum("could not enqueue send_emails" in r.getMessage() for r in caplog.records)
        sent_before = len(capture.messages())
        assert sent_before < JOBS, "the outage must cost some jobs, or it tested nothing"
        rt.enqueue("sweep_outbox")  # the scheduler's next minute
        wait_for(lambda: len(capture.messages()) >= JOBS, 90, "the sweep to send the rest")
        queue.drain()
    finally:
        queue.stop()
        own.stop()
        capture.stop()
        rt.close()
    by_message_id = Counter(str(m.message["Message-ID"]) for m in capture.messages())
    rows = _outbox(rt)
    assert len(by_message_id) == JOBS and set(by_message_id.values()) == {1}  # 0 lost, 0 twice
    assert {f"<{r.message_id}>" for r in rows} == set(by_message_id)
    assert {r.state for r in rows} == {"sent"}
    print(f"redis restart: {lost} enqueues failed, {sent_before} sent before the sweep")


LEADS = 150


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_redis_restart_while_leads_come_in_leaves_no_lead_undistributed(
    tmp_path: Path, db_url: str
) -> None:
    """Each new lead's distribute job is enqueued after its commit; the ones lost with
    Redis are found by the next offer sweep, and no lead gets a ring twice."""
    require(shutil.which("redis-server") is not None, "redis-server")
    own = OwnRedis(tmp_path).start()
    rt = Runtime(
        make_settings(tmp_path, db_url, redis_url=own.url, queue_namespace="mailflow-distribute")
    )
    rt.send_mail_now = False  # the emails are the other test's subject
    world = World(rt)
    world.partner("Stuttgart")
    world.partner("Ulm")
    queue = connect(rt, worker_threads=1)
    try:
        for n in range(LEADS):
            if n == LEADS // 3:
                own.stop()
            if n == LEADS // 2:
                own.start()
            world.lead()
        queue.drain()
        with rt.db.read() as s:
            waiting = s.exec(select(func.count()).where(Lead.state == "qualified")).one()
        assert waiting > 0, "the outage must cost some distribute jobs, or it tested nothing"
        rt.clock.advance(minutes=3)
        queue.send("sweep_offers")  # the scheduler's next minute
        queue.send("sweep_offers")  # and a second scheduler
        queue.drain()
    finally:
        queue.stop()
        own.stop()
        rt.close()
    with rt.db.read() as s:
        states = Counter(s.exec(select(Lead.state)).all())
        rings = Counter(s.exec(select(Event.lead_id).where(Event.kind == "lead.offered")).all())
        offers = Counter(s.exec(select(Offer.lead_id, Offer.organization_id)).all())
    assert states == {"offered": LEADS}
    assert len(rings) == LEADS and set(rings.values()) == {1}
    assert len(offers) == LEADS * 2 and set(offers.values()) == {1}
