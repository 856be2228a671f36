"""The lead loop through the actions, on SQLite and PostgreSQL: every change is audited
and queues its emails in the same transaction."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.errors import AlreadyTaken, NotAllowed, OfferClosed, WrongState
from mailflow.actions.leads.decline import decline
from mailflow.actions.leads.feedback import feedback
from mailflow.actions.leads.pick import pick
from mailflow.models import Event, Lead, OutboundEmail
from mailflow.models.schemas import FeedbackIn
from mailflow.runtime import Runtime
from tests.factories import World


def _events(rt: Runtime, lead_id: int) -> list[tuple[str, str | None, str | None]]:
    with rt.db.read() as s:
        rows = s.exec(select(Event).where(Event.lead_id == lead_id).order_by(col(Event.id)))
        return [(e.kind, e.from_state, e.to_state) for e in rows]


def _outbox(rt: Runtime, lead_id: int) -> list[tuple[str, str]]:
    with rt.db.read() as s:
        rows = s.exec(
            select(OutboundEmail)
            .where(OutboundEmail.lead_id == lead_id)
            .order_by(col(OutboundEmail.id))
        )
        return [(e.kind, e.to_addr) for e in rows]


def _ring(world: World) -> list[int]:
    return [world.partner(c).id for c in ("Stuttgart", "Ulm", "Karlsruhe", "München", "Berlin")]  # type: ignore[misc]


def test_a_qualified_lead_is_offered_to_the_three_nearest_partners(
    rt: Runtime, world: World
) -> None:
    stuttgart, ulm, karlsruhe, _munich, _berlin = _ring(world)
    world.partner("Wien")
    lead, offers = world.offered_lead()
    assert lead.state == "offered" and lead.ring == 1
    assert [o.organization_id for o in offers] == [stuttgart, karlsruhe, ulm]
    assert all(o.state == "open" and o.expires_at > o.offered_at for o in offers)
    assert [k for k, _, _ in _events(rt, lead.id)] == [  # type: ignore[arg-type]
        "lead.created",
        "lead.qualified",
        "offer.opened",
        "offer.opened",
        "offer.opened",
        "lead.offered",
    ]
    assert [k for k, _ in _outbox(rt, lead.id)] == ["offer"] * 3  # type: ignore[arg-type]


def test_a_lead_missing_required_fields_waits_unqualified(world: World, rt: Runtime) -> None:
    lead = world.lead(customer_email=None, requirement=None)
    assert lead.state == "new"
    assert lead.qualify_note == "missing: customer_email, requirement"
    assert ("lead.unqualified", None, None) in _events(rt, lead.id)  # type: ignore[arg-type]


def test_the_first_pick_wins_and_the_others_are_told(rt: Runtime, world: World) -> None:
    _ring(world)
    lead, offers = world.offered_lead()
    winner, loser = offers[0], offers[1]
    winner_contact = world.contacts(winner.organization_id)[0]
    loser_contact = world.contacts(loser.organization_id)[0]
    with unit(rt, "contact:x", "web") as ctx:
        pick(ctx, winner.id, winner_contact.id)  # type: ignore[arg-type]
    with pytest.raises(AlreadyTaken), unit(rt, "contact:y", "web") as ctx:
        pick(ctx, loser.id, loser_contact.id)  # type: ignore[arg-type]
    fresh = world.reload(lead)
    assert fresh.state == "picked" and fresh.owner_id == winner.organization_id
    assert [o.state for o in world.offers(lead.id)] == ["picked", "taken", "taken"]  # type: ignore[arg-type]
    kinds = [k for k, _ in _outbox(rt, lead.id)]  # type: ignore[arg-type]
    assert kinds.count("details") == 1 and kinds.count("taken") == 2
    assert ("lead.picked", "offered", "picked") in _events(rt, lead.id)  # type: ignore[arg-type]


def test_a_replayed_pick_by_the_winner_changes_nothing(rt: Runtime, world: World) -> None:
    _ring(world)
    lead, offers = world.offered_lead()
    contact = world.contacts(offers[0].organization_id)[0]
    for _ in range(2):
        with unit(rt, "c", "web") as ctx:
            result = pick(ctx, offers[0].id, contact.id)  # type: ignore[arg-type]
    assert result.again
    assert [k for k, _ in _outbox(rt, lead.id)].count("details") == 1  # type: ignore[arg-type]


def test_a_contact_cannot_pick_an_offer_made_to_another_partner(rt: Runtime, world: World) -> None:
    _ring(world)
    _lead, offers = world.offered_lead()
    stranger = world.contacts(offers[1].organization_id)[0]
    with pytest.raises(NotAllowed), unit(rt, "c", "web") as ctx:
        pick(ctx, offers[0].id, stranger.id)  # type: ignore[arg-type]


def test_when_the_whole_ring_declines_the_lead_moves_on_at_once(rt: Runtime, world: World) -> None:
    _ring(world)
    lead, offers = world.offered_lead()
    for offer in offers:
        contact = world.contacts(offer.organization_id)[0]
        with unit(rt, "c", "web") as ctx:
            decline(ctx, offer.id, contact.id, "too far away")  # type: ignore[arg-type]
    fresh = world.reload(lead)
    states = [(o.ring, o.state) for o in world.offers(lead.id)]  # type: ignore[arg-type]
    assert fresh.state == "offered" and fresh.ring == 2
    assert states == [(1, "declined")] * 3 + [(2, "open")] * 2
    assert [o.reason for o in world.offers(lead.id)][:3] == ["too far away"] * 3  # type: ignore[arg-type]


def test_with_nobody_left_the_lead_is_unassigned(rt: Runtime, world: World) -> None:
    world.partner("Stuttgart")
    lead, offers = world.offered_lead()
    with unit(rt, "c", "web") as ctx:
        decline(ctx, offers[0].id, world.contacts(offers[0].organization_id)[0].id, None)  # type: ignore[arg-type]
    assert world.reload(lead).state == "unassigned"
    assert ("lead.unassigned", "offered", "unassigned") in _events(rt, lead.id)  # type: ignore[arg-type]


def test_a_declined_offer_cannot_be_picked(rt: Runtime, world: World) -> None:
    _ring(world)
    _lead, offers = world.offered_lead()
    contact = world.contacts(offers[0].organization_id)[0]
    with unit(rt, "c", "web") as ctx:
        decline(ctx, offers[0].id, contact.id, None)  # type: ignore[arg-type]
    with pytest.raises(OfferClosed), unit(rt, "c", "web") as ctx:
        pick(ctx, offers[0].id, contact.id)  # type: ignore[arg-type]


def test_feedback_moves_the_lead_forward_and_records_the_deal(rt: Runtime, world: World) -> None:
    _ring(world)
    lead, offers = world.offered_lead()
    contact = world.contacts(offers[0].organization_id)[0]
    oid, cid = offers[0].id, contact.id
    with unit(rt, "c", "web") as ctx:
        pick(ctx, oid, cid)  # type: ignore[arg-type]
    for stage in ("contacted", "proposal"):
        with unit(rt, "c", "web") as ctx:
            feedback(ctx, oid, cid, FeedbackIn(stage=stage))  # type: ignore[arg-type]
    with pytest.raises(WrongState), unit(rt, "c", "web") as ctx:
        feedback(ctx, oid, cid, FeedbackIn(stage="meeting"))  # type: ignore[arg-type]
    with unit(rt, "c", "email") as ctx:
        row = feedback(
            ctx, oid, cid, FeedbackIn(stage="won", amount=Decimal("12500"), currency="EUR")
        )  # type: ignore[arg-type]
    fresh = world.reload(lead)
    assert fresh.state == "won" and fresh.closed_at is not None
    assert (row.amount, row.currency, row.channel) == (Decimal("12500.00"), "EUR", "email")
    assert ("lead.won", "proposal", "won") in _events(rt, lead.id)  # type: ignore[arg-type]
    with pytest.raises(WrongState), unit(rt, "c", "web") as ctx:
        feedback(ctx, oid, cid, FeedbackIn(stage="lost"))  # type: ignore[arg-type]


def test_only_the_owner_may_report(rt: Runtime, world: World) -> None:
    _ring(world)
    _lead, offers = world.offered_lead()
    with pytest.raises(NotAllowed), unit(rt, "c", "web") as ctx:
        feedback(
            ctx,
            offers[1].id,
            world.contacts(offers[1].organization_id)[0].id,  # type: ignore[arg-type]
            FeedbackIn(stage="won"),
        )


def test_a_failed_action_leaves_no_trace(rt: Runtime, world: World) -> None:
    _ring(world)
    lead, offers = world.offered_lead()
    with rt.db.read() as s:
        before = len(list(s.exec(select(Event)))), len(list(s.exec(select(OutboundEmail))))
    with pytest.raises(RuntimeError), unit(rt, "c", "web") as ctx:
        pick(ctx, offers[0].id, world.contacts(offers[0].organization_id)[0].id)  # type: ignore[arg-type]
        raise RuntimeError("crash before commit")
    with rt.db.read() as s:
        after = len(list(s.exec(select(Event)))), len(list(s.exec(select(OutboundEmail))))
        assert s.get(Lead, lead.id).state == "offered"  # type: ignore[union-attr]
    assert before == after
