"""deactivate / reactivate: a partner leaves (or comes back). Deactivation withdraws its
open offers (their leads move on as after a decline), suspends its API keys and, through
``require_active``, refuses its picks, declines and reports on every channel.
Reactivation lifts the suspension; a revoked key stays revoked."""

from __future__ import annotations

from sqlmodel import col, select

from mailflow.actions import audit
from mailflow.actions._offers import close_offers
from mailflow.actions.context import ActionContext
from mailflow.actions.leads.offer import offer_next_ring
from mailflow.models import ApiKey, Lead, Offer, OfferState, Organization

WHY = "partner_deactivated"


def set_active(ctx: ActionContext, org: Organization, active: bool) -> None:
    """Deactivate or reactivate ``org``; the same state again changes nothing."""
    if org.active == active:
        return
    org.active = active
    ctx.session.flush()
    audit.record(
        ctx,
        "partner.reactivated" if active else "partner.deactivated",
        organization_id=org.id,
    )
    assert org.id is not None
    _suspend_keys(ctx, org.id, suspended=not active)
    if not active:
        _withdraw_offers(ctx, org.id)


def _suspend_keys(ctx: ActionContext, organization_id: int, *, suspended: bool) -> None:
    keys = ctx.session.exec(
        select(ApiKey).where(
            ApiKey.organization_id == organization_id,
            col(ApiKey.revoked_at).is_(None),
            ApiKey.suspended == (not suspended),
        )
    ).all()
    for key in keys:
        key.suspended = suspended
        audit.record(
            ctx,
            "apikey.suspended" if suspended else "apikey.resumed",
            organization_id=organization_id,
            api_key_id=key.id,
        )
    ctx.session.flush()


def _withdraw_offers(ctx: ActionContext, organization_id: int) -> None:
    """Each open offer closes as ``withdrawn`` (the lead locked first, as pick, decline and
    the expiry sweep do); a lead whose ring has no open offer left goes to the next one."""
    lead_ids = ctx.session.exec(
        select(Offer.lead_id)
        .where(Offer.organization_id == organization_id, Offer.state == OfferState.OPEN)
        .order_by(col(Offer.lead_id))
        .distinct()
    ).all()
    for lead_id in lead_ids:
        ctx.session.exec(select(Lead.id).where(Lead.id == lead_id).with_for_update()).first()
        ours = (col(Offer.lead_id) == lead_id, col(Offer.organization_id) == organization_id)
        close_offers(ctx, OfferState.WITHDRAWN, *ours, reason=WHY, event={"why": WHY})
        offer_next_ring(ctx, lead_id)
