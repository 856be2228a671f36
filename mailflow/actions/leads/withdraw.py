"""withdraw: the manufacturer takes a lead back before a partner has picked it
(a duplicate, the customer bought elsewhere); open offers close as ``withdrawn``."""

from __future__ import annotations

from sqlmodel import col, select

from mailflow.actions import audit
from mailflow.actions._offers import close_offers
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotFound, WrongState
from mailflow.models import Lead, LeadState, Offer, OfferState
from mailflow.rules import lifecycle


def withdraw(ctx: ActionContext, lead_id: int, reason: str | None) -> Lead:
    """Withdrawing a withdrawn lead again changes nothing (a retried request)."""
    lead = ctx.session.exec(select(Lead).where(Lead.id == lead_id).with_for_update()).first()
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    if lead.state == LeadState.WITHDRAWN:
        return lead
    if not lifecycle.can_lead(lead.state, LeadState.WITHDRAWN):
        raise WrongState(f"lead is {lead.state}; it cannot be withdrawn", state=lead.state)
    close_offers(ctx, OfferState.WITHDRAWN, col(Offer.lead_id) == lead_id, reason=reason)
    previous = lead.state
    lead.state = lifecycle.lead_to(previous, LeadState.WITHDRAWN)
    lead.updated_at, lead.closed_at = ctx.now, ctx.now
    audit.record(
        ctx,
        "lead.withdrawn",
        lead_id=lead_id,
        from_state=previous,
        to_state=LeadState.WITHDRAWN,
        reason=reason,
    )
    return lead
