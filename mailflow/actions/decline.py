"""decline: a partner passes on an offer, with a reason; when the whole ring has
answered without a pick, the lead moves on to the next ring at once."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from mailflow import audit, leadview
from mailflow.actions._input import checked_texts
from mailflow.actions._load import OfferScope, load_offer_scope
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import AlreadyTaken, OfferClosed
from mailflow.actions.offer import offer_next_ring
from mailflow.mail import outbox
from mailflow.models import Lead, Offer


def decline(ctx: ActionContext, offer_id: int, contact_id: int, reason: str | None) -> OfferScope:
    checked_texts(reason=reason)
    scope = load_offer_scope(ctx, offer_id, contact_id)
    offer, lead = scope.offer, scope.lead
    # Lock the lead before the offer, in the same order as pick and the expiry sweep.
    ctx.session.exec(select(Lead.id).where(Lead.id == lead.id).with_for_update()).first()
    if offer.state == "declined":
        return scope  # a replayed click
    if offer.state == "taken":
        raise AlreadyTaken("another partner picked this lead first")
    if offer.state != "open":
        raise OfferClosed(f"offer is {offer.state}", state=offer.state)
    closed = ctx.session.exec(
        update(Offer)
        .where(col(Offer.id) == offer_id, col(Offer.state) == "open")
        .values(
            state="declined",
            responded_at=ctx.now,
            responded_by_id=contact_id,
            reason=(reason or "")[:500] or None,
        )
    )
    if closed.rowcount != 1:
        raise OfferClosed("offer was closed meanwhile")
    ctx.session.refresh(offer)
    audit.record(
        ctx,
        "offer.declined",
        lead_id=lead.id,
        offer_id=offer.id,
        organization_id=offer.organization_id,
        from_state="open",
        to_state="declined",
        reason=reason,
    )
    outbox.queue(
        ctx,
        "decline_ack",
        scope.contact,
        {
            "lead": leadview.teaser(lead),
            "reason": reason,
            "links": {"portal": ctx.rt.link(offer_id, contact_id, "portal")},
        },
        lead_id=lead.id,
        offer_id=offer.id,
    )
    # Nobody left in this ring: move on now rather than waiting for the SLA.
    assert lead.id is not None
    offer_next_ring(ctx, lead.id)
    return scope
