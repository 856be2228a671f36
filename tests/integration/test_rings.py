"""SLAs, rings, escalation, away and bounced partners — with a clock the tests
move (no sleeping), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.inbound.bounce import offer_bounced
from mailflow.actions.leads.decline import decline
from mailflow.actions.partners.away import mark_away
from mailflow.jobs.sweeps import sweep_offers
from mailflow.models import Contact, Event, Lead, Offer, OutboundEmail
from mailflow.queries.away import paused_spans
from mailflow.rules.followup import back_at
from mailflow.runtime import Runtime
from tests.factories import World

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Germany
NEAR = ("Stuttgart", "Karlsruhe", "Ulm", "Augsburg", "Mannheim", "München")


def _partners(world: World, cities: tuple[str, ...] = NEAR) -> list[int]:
    return [world.partner(c).id for c in cities]  # type: ignore[misc]


def _manager(rt: Runtime, world: World) -> Contact:
    org = world.manufacturer()
    with rt.db.transaction() as s:
        manager = Contact(
            organization_id=org,
            name="Paula Partnermanager",
            email="paula@nordwind.test",
            role="partner_manager",
            receives_offers=False,
            created_at=rt.clock.now(),
        )
        s.add(manager)
        s.flush()
    return manager


def _emails(rt: Runtime, kind: str, lead_id: int | None = None) -> list[OutboundEmail]:
    with rt.db.read() as s:
        query = select(OutboundEmail).where(OutboundEmail.kind == kind)
        if lead_id is not None:
            query = query.where(OutboundEmail.lead_id == lead_id)
        return list(s.exec(query.order_by(col(OutboundEmail.id))))


def _kinds(rt: Runtime, lead_id: int) -> list[str]:
    with rt.db.read() as s:
        rows = s.exec(select(Event.kind).where(Event.lead_id == lead_id).order_by(col(Event.id)))
        return list(rows)


def test_it_moves_a_lead_from_ring_1_to_ring_2_to_unassigned_as_the_slas_pass(
    rt: Runtime, world: World
) -> None:
    rt.clock.set(MONDAY_9)
    rt.settings = rt.settings.with_(max_rings=2)
    manager = _manager(rt, world)
    _partners(world)
    lead, ring1 = world.offered_lead(temperature="hot")  # hot: 4 h wall clock
    assert lead.ring == 1 and len(ring1) == 3
    assert {o.expires_at for o in ring1} == {MONDAY_9 + timedelta(hours=4)}

    rt.clock.advance(hours=3, minutes=59)
    assert sweep_offers(rt) == 0  # not yet due
    rt.clock.advance(minutes=1)
    assert sweep_offers(rt) == 1
    offers = world.offers(lead.id)  # type: ignore[arg-type]
    assert Counter((o.ring, o.state) for o in offers) == {(1, "expired"): 3, (2, "open"): 3}
    assert not {o.organization_id for o in offers if o.ring == 1} & {
        o.organization_id for o in offers if o.ring == 2
    }
    moved_on = _emails(rt, "moved_on", lead.id)
    assert {e.offer_id for e in moved_on} == {o.id for o in ring1}

    rt.clock.advance(hours=4)
    assert sweep_offers(rt) == 1
    fresh = world.reload(lead)
    assert fresh.state == "unassigned" and fresh.ring == 2
    assert Counter(o.state for o in world.offers(lead.id)) == {"expired": 6}  # type: ignore[arg-type]
    escalation = _emails(rt, "escalation", lead.id)
    assert [e.to_addr for e in escalation] == [manager.email]
    assert set(escalation[0].context["links"]) >= {"offer_to", "widen", "withdraw"}
    assert _kinds(rt, lead.id)[-2:] == ["lead.unassigned", "lead.escalated"]
    assert sweep_offers(rt) == 0  # nothing left: a later sweep changes nothing


def test_it_moves_on_at_once_when_the_whole_ring_declined(rt: Runtime, world: World) -> None:
    _partners(world)
    lead, ring1 = world.offered_lead()
    for offer in ring1:
        contact = world.contacts(offer.organization_id)[0]
        with unit(rt, f"contact:{contact.id}", "web") as ctx:
            decline(ctx, offer.id, contact.id, "too busy")  # type: ignore[arg-type]
    assert world.reload(lead).ring == 2  # no waiting for the SLA
    assert Counter(o.state for o in world.offers(lead.id)) == {"declined": 3, "open": 3}  # type: ignore[arg-type]


def test_an_out_of_office_partner_is_marked_away_and_the_lead_moves_on(
    rt: Runtime, world: World
) -> None:
    rt.clock.set(MONDAY_9)
    _partners(world)
    lead, ring1 = world.offered_lead()
    back = MONDAY_9 + timedelta(days=10)
    for number, offer in enumerate(ring1):
        contact = world.contacts(offer.organization_id)[0]
        with unit(rt, "system", "email") as ctx:
            mark_away(ctx, offer.id, back, contact.id)  # type: ignore[arg-type]
        if number < 2:
            assert world.reload(lead).ring == 1  # others of the ring may still pick
    assert world.reload(lead).ring == 2
    with rt.db.read() as s:  # each partner pauses its offers until it is back
        away = [back_at(paused_spans(s, o.organization_id, MONDAY_9), MONDAY_9) for o in ring1]
    assert away == [back] * 3
    states = Counter((o.ring, o.state) for o in world.offers(lead.id))  # type: ignore[arg-type]
    assert states == {(1, "away"): 3, (2, "open"): 3}
    assert _emails(rt, "moved_on", lead.id) == []  # nobody reads mail while away

    # An away partner gets no new offers until it is back.
    _other, offers = world.offered_lead()
    assert not {o.organization_id for o in offers} & {o.organization_id for o in ring1}


def test_a_partner_whose_only_contact_bounced_drops_out_and_the_lead_moves_on(
    rt: Runtime, world: World
) -> None:
    _partners(world, NEAR[:4])
    rt.settings = rt.settings.with_(ring_size=1)
    lead, (offer,) = world.offered_lead()
    contact = world.contacts(offer.organization_id)[0]
    with unit(rt, "system", "email") as ctx:
        offer_bounced(ctx, offer.id, contact.id)  # type: ignore[arg-type]
    assert world.reload(lead).ring == 2
    with rt.db.read() as s:
        closed = s.get(Offer, offer.id)
        assert closed is not None and closed.state == "expired" and closed.reason is None
        bounced = s.get(Contact, contact.id)
        assert bounced is not None and bounced.undeliverable
    assert "offer.expired" in _kinds(rt, lead.id)


def test_the_sla_counts_business_hours_across_a_weekend_and_a_public_holiday(
    rt: Runtime, world: World
) -> None:
    # Thursday 2 April 2026, 15:00 in Stuttgart; Good Friday and Easter Monday are holidays.
    start = datetime(2026, 4, 2, 13, 0, tzinfo=UTC)
    rt.clock.set(start)
    hours = {"tz": "Europe/Berlin", "days": [0, 1, 2, 3, 4], "start": "08:00", "end": "17:00"}
    world.partner("Stuttgart", business_hours=hours)
    _lead, (offer,) = world.offered_lead(temperature="hot")  # 4 business hours
    # 2 h on Thursday (15–17), then Friday holiday, weekend, Monday holiday: Tuesday 10:00.
    assert offer.expires_at == datetime(2026, 4, 7, 8, 0, tzinfo=UTC)
    assert offer.remind_at == datetime(2026, 4, 7, 7, 0, tzinfo=UTC)  # 75 %: Tuesday 09:00
    rt.clock.set(datetime(2026, 4, 6, 20, 0, tzinfo=UTC))
    assert sweep_offers(rt) == 0  # four calendar days later it is still open
    rt.clock.set(offer.expires_at)
    assert sweep_offers(rt) == 1


def test_the_sla_is_set_per_campaign_and_temperature(rt: Runtime, world: World) -> None:
    rt.clock.set(MONDAY_9)
    rt.settings = rt.settings.with_(campaign_sla_hours={"fair": {"hot": 1.5}}, ring_size=1)
    _partners(world, NEAR[:1])
    _, (fair,) = world.offered_lead(temperature="hot", campaign="fair")
    _, (plain,) = world.offered_lead(temperature="cold", campaign="fair")
    assert fair.expires_at == MONDAY_9 + timedelta(hours=1.5)
    assert plain.expires_at == MONDAY_9 + timedelta(hours=24)


def test_it_never_offers_beyond_the_last_ring_when_the_sweep_runs_again(
    rt: Runtime, world: World
) -> None:
    rt.clock.set(MONDAY_9)
    rt.settings = rt.settings.with_(max_rings=1)
    _manager(rt, world)
    _partners(world)
    lead, _ = world.offered_lead()
    rt.clock.advance(hours=13)
    sweep_offers(rt)
    sweep_offers(rt)
    assert world.reload(lead).state == "unassigned"
    assert len(_emails(rt, "escalation", lead.id)) == 1
    with rt.db.read() as s:
        assert s.exec(select(Lead).where(Lead.state == "offered")).first() is None
