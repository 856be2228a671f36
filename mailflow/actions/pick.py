"""pick: the first partner to pick an offered lead owns it; the others see it is gone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from mailflow import audit, followup, leadview, ledger
from mailflow.actions._load import OfferScope, load_offer_scope
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import AlreadyTaken, OfferClosed, QueueBlocked
from mailflow.actions.offer import offer_contacts
from mailflow.mail import outbox
from mailflow.models import Lead, Offer, Organization
from mailflow.processing_queue import gate, limit_of, overdue_count


@dataclass(frozen=True)
class Picked:
    scope: OfferScope
    again: bool  # the same partner picked twice (a replayed click): nothing changed


def pick(ctx: ActionContext, offer_id: int, contact_id: int) -> Picked:
    """1. check the offer is this partner's and open; 2. claim the lead with one conditional
    UPDATE (``state = 'offered'``) and check the row count; 3. close the other open offers
    as ``taken``; 4. record events; 5. queue the details email and the taken notices."""
    scope = load_offer_scope(ctx, offer_id, contact_id)
    offer, lead = scope.offer, scope.lead
    if offer.state == "picked":
        return Picked(scope, again=True)
    if offer.state == "taken":
        raise AlreadyTaken("another partner picked this lead first")
    if offer.state != "open":
        raise OfferClosed(f"offer is {offer.state}", state=offer.state)
    _check_queue(ctx, scope)
    _claim_lead(ctx, scope)
    losers = _close_others(ctx, lead.id, offer.id)  # type: ignore[arg-type]
    audit.record(
        ctx,
        "offer.picked",
        lead_id=lead.id,
        offer_id=offer.id,
        organization_id=offer.organization_id,
        from_state="open",
        to_state="picked",
    )
    audit.record(
        ctx,
        "lead.picked",
        lead_id=lead.id,
        organization_id=offer.organization_id,
        from_state="offered",
        to_state="picked",
        contact_id=contact_id,
    )
    for loser in losers:
        audit.record(
            ctx,
            "offer.taken",
            lead_id=lead.id,
            offer_id=loser.id,
            organization_id=loser.organization_id,
            from_state="open",
            to_state="taken",
        )
    _notify(ctx, scope, losers)
    ledger.award_pick(ctx, lead, offer.organization_id, contact_id)
    return Picked(scope, again=False)


def _check_queue(ctx: ActionContext, scope: OfferScope) -> None:
    """The processing-queue gate: too many picked leads without feedback, no new pick."""
    org = ctx.session.get(Organization, scope.offer.organization_id)
    assert org is not None and org.id is not None
    count = overdue_count(ctx, org.id)
    if count <= limit_of(ctx.settings, org):  # the common case: no list to load
        return
    verdict, overdue = gate(ctx.session, ctx.settings, org, ctx.now)
    if verdict.blocked:
        raise QueueBlocked(
            f"{verdict.overdue} picked leads are waiting for your feedback (limit {verdict.limit})",
            overdue=[o.lead.id for o in overdue],
            limit=verdict.limit,
        )


# Prepared once: building a statement costs more than running it. The columns a pick
# sets are bound as ``v_<column>``; the same values then go onto the loaded rows.
_LEAD_PICKED = (
    "state",
    "owner_id",
    "owner_contact_id",
    "picked_at",
    "updated_at",
    "feedback_due_at",
    "next_reminder_at",
    "reminders_sent",
)
_OFFER_PICKED = ("state", "responded_at", "responded_by_id")
_CLAIM_LEAD = (
    update(Lead)
    .where(col(Lead.id) == bindparam("b_lead"), col(Lead.state) == "offered")
    .values({name: bindparam(f"v_{name}") for name in _LEAD_PICKED})
)
_CLAIM_OFFER = (
    update(Offer)
    .where(col(Offer.id) == bindparam("b_offer"), col(Offer.state) == "open")
    .values({name: bindparam(f"v_{name}") for name in _OFFER_PICKED})
)
_CLOSE_OTHERS = (
    update(Offer)
    .where(
        col(Offer.lead_id) == bindparam("b_lead"),
        col(Offer.state) == "open",
        col(Offer.id) != bindparam("b_offer"),
    )
    .values(state="taken", responded_at=bindparam("b_now"))
    .returning(col(Offer.id))
)


def _claim_lead(ctx: ActionContext, scope: OfferScope) -> None:
    """Two conditional UPDATEs (prepared, on the transaction's connection); the loaded
    lead and offer are given the new values as committed ones, so they need no reload
    and are not written again. Not the ORM's own session synchronisation: it compares
    the criteria with every Lead and Offer in the session, and in a batch of inbound
    replies those are many. A rolled-back savepoint expires them (``savepoint``)."""
    days = ctx.settings.feedback_reminder_days
    lead = {
        "state": "picked",
        "owner_id": scope.offer.organization_id,
        "owner_contact_id": scope.contact.id,
        "picked_at": ctx.now,
        "updated_at": ctx.now,
        # the feedback schedule starts now (reminders and the processing queue read it)
        "feedback_due_at": followup.feedback_due_at(ctx.now, days),
        "next_reminder_at": followup.next_reminder_at(ctx.now, 0, days),
        "reminders_sent": 0,
    }
    offer = {"state": "picked", "responded_at": ctx.now, "responded_by_id": scope.contact.id}
    claim = {"b_lead": scope.lead.id, **{f"v_{k}": v for k, v in lead.items()}}
    if ctx.execute(_CLAIM_LEAD, claim).rowcount != 1:
        raise AlreadyTaken("another partner picked this lead first")
    won = {"b_offer": scope.offer.id, **{f"v_{k}": v for k, v in offer.items()}}
    if ctx.execute(_CLAIM_OFFER, won).rowcount != 1:
        raise AlreadyTaken("this offer was closed meanwhile")
    _committed(scope.lead, lead)
    _committed(scope.offer, offer)


def _committed(row: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        set_committed_value(row, key, value)


def _close_others(ctx: ActionContext, lead_id: int, winner_id: int) -> list[Offer]:
    params = {"b_lead": lead_id, "b_offer": winner_id, "b_now": ctx.now}
    closed = sorted(ctx.execute(_CLOSE_OTHERS, params).scalars())
    losers = []
    for offer_id in closed:
        loser = ctx.session.get(Offer, offer_id)
        assert loser is not None
        _committed(loser, {"state": "taken", "responded_at": ctx.now})
        losers.append(loser)
    return losers


def _notify(ctx: ActionContext, scope: OfferScope, losers: list[Offer]) -> None:
    lead, offer, contact = scope.lead, scope.offer, scope.contact
    assert offer.id is not None and contact.id is not None
    links = {a: ctx.rt.link(offer.id, contact.id, a) for a in ("feedback", "portal")}
    outbox.queue(
        ctx,
        "details",
        contact,
        {
            "lead": leadview.details(lead),
            "links": links,
            "reply_key": ctx.rt.reply_key(offer.id, contact.id),
        },
        lead_id=lead.id,
        offer_id=offer.id,
    )
    for loser in losers:
        assert loser.id is not None
        for other in offer_contacts(ctx, loser.organization_id):
            assert other.id is not None
            outbox.queue(
                ctx,
                "taken",
                other,
                {
                    "lead": leadview.teaser(lead),
                    "links": {"portal": ctx.rt.link(loser.id, other.id, "portal")},
                },
                lead_id=lead.id,
                offer_id=loser.id,
            )
