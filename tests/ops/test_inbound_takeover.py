"""A worker killed (SIGKILL) in the middle of a reply it claimed: once its heartbeat has
expired the next inbound sweep hands the reply to a healthy worker, which applies it
once, seconds after the kill instead of the claim's 5-minute lease. Real processes on one
PostgreSQL and one Redis; the test holds the offer table locked, so the dying worker's
batch stops after its committed claim, waiting for the lock, until the kill."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from mailflow.actions.inbound import sweep
from mailflow.actions.inbound.store import store_raw
from mailflow.models import Event, InboundEmail, Offer, OutboundEmail
from mailflow.models.states import InboundState, LeadState, OfferState
from mailflow.runtime import Runtime
from tests.factories import World
from tests.mail import reply
from tests.ops.takeover import Takeover
from tests.reliability._faults import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


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
    takeover: Takeover,
) -> None:
    rt, stack = takeover.rt, takeover.stack
    inbound_id = _stored_reply(rt)  # no queue in this runtime yet: the reply waits
    queue = takeover.connect()
    locker = create_engine(takeover.database).connect()
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
        takeover.outlive_a_heartbeat()
        assert sweep.hand_back(rt) == []  # a live worker keeps its claim
        assert _row(rt, inbound_id).claimed_by == holder

        killed = takeover.kill("dying")
        locker.rollback()
        stack.worker("healthy")

        def applied() -> bool:
            return _row(rt, inbound_id).state != InboundState.RECEIVED

        taken_over_after = takeover.sweep_until(applied, "sweep_inbound", killed)
    finally:
        locker.close()
        takeover.stop()
    print(f"reply claimed by a killed worker applied {taken_over_after:.1f} s after the kill")
    row = _row(rt, inbound_id)
    assert (row.state, row.attempts) == (InboundState.APPLIED, 2)
    assert row.claimed_by != holder
    with rt.db.read() as s:
        picked = s.exec(select(Event.kind).where(Event.to_state == LeadState.PICKED)).all()
        assert sorted(picked) == ["lead.picked", "offer.picked"]  # applied once
        states = s.exec(select(Offer.state)).all()
    assert states.count(OfferState.PICKED) == 1
