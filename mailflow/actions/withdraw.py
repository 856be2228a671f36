"""withdraw: the manufacturer takes a lead back before a partner has picked it
(a duplicate, the customer bought elsewhere); open offers close as ``withdrawn``."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from mailflow import audit, lifecycle
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotFound, WrongState
from mailflow.models import Lead, Offer


def withdraw(ctx: ActionContext, lead_id: int, reason: str | None) -> Lead:
    """Withdrawing a withdrawn lead again changes nothing (a retried request)."""
    lead = ctx.session.exec(select(Lead).where(Lead.id == lead_id).with_for_update()).first()
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    if lead.state == "withdrawn":
        return lead
    if not lifecycle.can_lead(lead.state, "withdrawn"):
        raise WrongState(f"lead is {lead.state}; it cannot be withdrawn", state=lead.state)
    open_offers = list(
        ctx.session.exec(select(Offer).where(Offer.lead_id == lead_id, Offer.state == "open"))
    )
    ctx.session.exec(
        update(Offer)
        .where(col(Offer.lead_id) == lead_id, col(Offer.state) == "open")
        .values(state="withdrawn", responded_at=ctx.now, reason=(reason or "")[:500] or None)
    )
    for offer in open_offers:
        audit.record(
            ctx,
            "offer.withdrawn",
            lead_id=lead_id,
            offer_id=offer.id,
            organization_id=offer.organization_id,
            from_state="open",
            to_state="withdrawn",
        )
    previous = lead.state
    lead.state, lead.updated_at, lead.closed_at = "withdrawn", ctx.now, ctx.now
    audit.record(
        ctx,
        "lead.withdrawn",
        lead_id=lead_id,
        from_state=previous,
        to_state="withdrawn",
        reason=reason,
    )
    return lead
