"""pick: the first partner to pick an offered lead owns it; the others see it is gone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import col

from mailflow.actions import audit, ledger
from mailflow.actions._load import OfferScope, load_offer_scope
from mailflow.actions._offers import REFRESH, close_offers
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import AlreadyTaken, OfferClosed, QueueBlocked
from mailflow.actions.leads.expire import refuse_past_deadline
from mailflow.actions.leads.offer import offers_contacts
from mailflow.actions.outbound import outbox
from mailflow.i18n import N_
from mailflow.mail import messages
from mailflow.models import Lead, LeadState, Offer, OfferState, Organization
from mailflow.queries.backlog import gate, limit_of, overdue_count
from mailflow.rules import followup, lifecycle


@dataclass(frozen=True)
class Picked:
    scope: OfferScope
    again: bool  # the same partner picked twice (a replayed click): nothing changed


def pick(ctx: ActionContext, offer_id: int, contact_id: int) -> Picked:
    """1. check the offer is this partner's and open; 2. claim the lead with one conditional
    UPDATE (``state = 'offered'``) and check the row count; 3. record events; 4. close the
    other open offers as ``taken``; 5. queue the details email and the taken notices."""
    scope = load_offer_scope(ctx, offer_id, contact_id)
    offer, lead = scope.offer, scope.lead
    if offer.state == OfferState.PICKED:
        return Picked(scope, again=True)
    if offer.state == OfferState.TAKEN:
        raise AlreadyTaken()
    if offer.state != OfferState.OPEN:
        raise OfferClosed(state=offer.state)
    refuse_past_deadline(ctx, offer)
    _check_queue(ctx, scope)
    _claim_lead(ctx, scope)
    picked = audit.event(
        ctx,
        "offer.picked",
        lead_id=lead.id,
        offer_id=offer.id,
        organization_id=offer.organization_id,
        from_state=OfferState.OPEN,
        to_state=OfferState.PICKED,
    )
    owned = audit.event(
        ctx,
        "lead.picked",
        lead_id=lead.id,
        organization_id=offer.organization_id,
        from_state=LeadState.OFFERED,
        to_state=LeadState.PICKED,
        contact_id=contact_id,
    )
    audit.record_all(ctx, [picked, owned])
    others = (col(Offer.lead_id) == lead.id, col(Offer.id) != offer.id)
    losers = close_offers(ctx, OfferState.TAKEN, *others)
    _notify(ctx, scope, losers)
    ledger.award_pick(ctx, lead, offer.organization_id, contact_id)
    return Picked(scope, again=False)


def _check_queue(ctx: ActionContext, scope: OfferScope) -> None:
    """The processing-queue gate: too many picked leads without feedback, no new pick."""
    org = ctx.session.get(Organization, scope.offer.organization_id)
    assert org is not None and org.id is not None
    count = overdue_count(ctx.session, org.id, ctx.now)
    if count <= limit_of(ctx.settings, org):  # the common case: no list to load
        return
    verdict, overdue = gate(ctx.session, ctx.settings, org, ctx.now)
    if verdict.blocked:
        raise QueueBlocked(
            f"{verdict.overdue} picked leads are waiting for your feedback (limit {verdict.limit})",
            overdue=[o.lead.id for o in overdue],
            limit=verdict.limit,
        )


# The two conditional UPDATEs of a pick, built once (every pick runs them; building a
# statement costs more than executing it). RETURNING the row with populate_existing puts
# what the database wrote on the loaded Lead and Offer as committed values: no reload, no
# second write, and none of the ORM's in-Python evaluation of the SET clause (which cannot
# see values bound at execution).
_CLAIM_LEAD = (
    update(Lead)
    .where(
        col(Lead.id) == bindparam("lead_id"),
        col(Lead.state).in_(lifecycle.lead_sources(LeadState.PICKED)),
    )
    .values(
        state=LeadState.PICKED,
        owner_id=bindparam("owner_id"),
        owner_contact_id=bindparam("owner_contact_id"),
        picked_at=bindparam("now"),
        updated_at=bindparam("now"),
        feedback_due_at=bindparam("feedback_due_at"),
        next_reminder_at=bindparam("next_reminder_at"),
        reminders_sent=0,
    )
    .returning(Lead)
)
_WIN_OFFER = (
    update(Offer)
    .where(
        col(Offer.id) == bindparam("offer_id"),
        col(Offer.state).in_(lifecycle.offer_sources(OfferState.PICKED)),
    )
    .values(
        state=OfferState.PICKED,
        responded_at=bindparam("now"),
        responded_by_id=bindparam("contact_id"),
    )
    .returning(Offer)
)


def _claim_lead(ctx: ActionContext, scope: OfferScope) -> None:
    """Two conditional UPDATEs, each checked by the row it returned: the first pick wins."""
    days = ctx.settings.feedback_reminder_days
    claimed = ctx.session.scalars(
        _CLAIM_LEAD,
        {
            "lead_id": scope.lead.id,
            "owner_id": scope.offer.organization_id,
            "owner_contact_id": scope.contact.id,
            "now": ctx.now,
            # the feedback schedule starts now (reminders and the processing queue read it)
            "feedback_due_at": followup.feedback_due_at(ctx.now, days),
            "next_reminder_at": followup.next_reminder_at(ctx.now, 0, days),
        },
        execution_options=REFRESH,
    ).all()
    if len(claimed) != 1:
        raise AlreadyTaken()
    won = ctx.session.scalars(
        _WIN_OFFER,
        {"offer_id": scope.offer.id, "now": ctx.now, "contact_id": scope.contact.id},
        execution_options=REFRESH,
    ).all()
    if len(won) != 1:
        raise AlreadyTaken(N_("This offer was closed meanwhile."))


def _notify(ctx: ActionContext, scope: OfferScope, losers: list[Offer]) -> None:
    lead, offer, contact = scope.lead, scope.offer, scope.contact
    context = messages.details(ctx.rt, lead, offer, contact)
    outbox.queue(ctx, "details", contact, context, lead_id=lead.id, offer_id=offer.id)
    outbox.queue_all(ctx, _taken_notices(ctx, lead, losers))


def _taken_notices(ctx: ActionContext, lead: Lead, losers: list[Offer]) -> list[dict[str, Any]]:
    """The taken notices of the other partners' contacts, queued with one INSERT: those
    partners' own picks wait on the lead's row until this transaction ends."""
    contacts = offers_contacts(ctx, [loser.organization_id for loser in losers])
    return [
        outbox.email(
            ctx,
            "taken",
            other,
            messages.taken(ctx.rt, lead, loser, other),
            lead_id=lead.id,
            offer_id=loser.id,
        )
        for loser in losers
        for other in contacts.get(loser.organization_id, [])
    ]
