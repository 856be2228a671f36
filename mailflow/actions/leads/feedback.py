"""feedback: the owning partner reports progress — contacted, meeting, proposal, won, lost."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from mailflow.actions import audit, ledger
from mailflow.actions._input import checked_texts
from mailflow.actions._load import OfferScope, load_offer_scope
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotAllowed, WrongState
from mailflow.actions.leads.remind import schedule_feedback
from mailflow.actions.outbound import outbox
from mailflow.i18n import N_
from mailflow.mail import messages
from mailflow.models import Feedback, LeadState, OfferState
from mailflow.models.schemas import FeedbackIn
from mailflow.rules import lifecycle

# The same report again within this time is the same form posted twice (a double click,
# a reloaded page, a reply sent twice): it is recorded once.
REPLAY_WINDOW = timedelta(hours=1)


def feedback(ctx: ActionContext, offer_id: int, contact_id: int, data: FeedbackIn) -> Feedback:
    """Record the report; move the lead to the reported stage when that is forward.
    Reporting the current stage again adds a note without a transition; the very same
    report again shortly after is a replay and returns the first one unchanged."""
    checked_texts(reason=data.reason, note=data.note, currency=data.currency)
    scope = load_offer_scope(ctx, offer_id, contact_id)
    lead = scope.lead
    assert lead.id is not None
    moved = lead.state != data.stage
    if lead.owner_id != scope.offer.organization_id or scope.offer.state != OfferState.PICKED:
        raise NotAllowed(N_("Only the partner who picked this lead can report on it."))
    replayed = _replay_of(ctx, lead.id, contact_id, data, lead.currency)
    if replayed is not None:
        return replayed
    if lead.state != data.stage:
        if not lifecycle.can_lead(lead.state, data.stage):
            raise WrongState(state=lead.state, stage=data.stage)
        previous = lead.state
        lead.state, lead.updated_at = lifecycle.lead_to(previous, LeadState(data.stage)), ctx.now
        if data.stage in lifecycle.CLOSED_STAGES:
            lead.closed_at = ctx.now
        audit.record(
            ctx,
            f"lead.{data.stage}",
            lead_id=lead.id,
            organization_id=lead.owner_id,
            from_state=previous,
            to_state=data.stage,
            amount=str(data.amount) if data.amount is not None else None,
            currency=data.currency,
            reason=data.reason,
        )
    schedule_feedback(ctx, lead, ctx.now)  # reporting releases the processing-queue gate
    row = Feedback(
        lead_id=lead.id,
        organization_id=scope.offer.organization_id,
        contact_id=contact_id,
        stage=data.stage,
        amount=data.amount,
        currency=data.currency or (lead.currency if data.amount is not None else None),
        reason=data.reason,
        note=data.note,
        channel=ctx.channel,
        created_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(
        ctx,
        "feedback.recorded",
        lead_id=lead.id,
        organization_id=lead.owner_id,
        stage=data.stage,
        feedback_id=row.id,
    )
    _thank(ctx, scope, row)
    ledger.award_feedback(ctx, lead, row, moved)
    return row


def _thank(ctx: ActionContext, scope: OfferScope, row: Feedback) -> None:
    context = messages.feedback_thanks(ctx.rt, scope.lead, scope.offer, scope.contact, row)
    outbox.queue(ctx, "feedback_thanks", scope.contact, context,
                 lead_id=scope.lead.id, offer_id=scope.offer.id)  # fmt: skip


def _replay_of(
    ctx: ActionContext, lead_id: int, contact_id: int, data: FeedbackIn, currency: str
) -> Feedback | None:
    last = ctx.session.exec(
        select(Feedback)
        .where(col(Feedback.lead_id) == lead_id, col(Feedback.contact_id) == contact_id)
        .order_by(col(Feedback.id).desc())
        .limit(1)
    ).first()
    if last is None or ctx.now - last.created_at > REPLAY_WINDOW:
        return None
    same = (
        last.stage == data.stage
        and last.amount == data.amount
        and last.currency == (data.currency or (currency if data.amount is not None else None))
        and last.reason == data.reason
        and last.note == data.note
    )
    return last if same else None
