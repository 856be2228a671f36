"""mark_away: an out-of-office reply to an offer moves the offer on at once.

The partner is marked away until the date its reply names (or a default), so it is not
offered leads it cannot answer; the lead goes to the next ring when nobody is left.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from mailflow import audit
from mailflow.actions._load import load_offer_scope
from mailflow.actions.context import ActionContext
from mailflow.actions.offer import offer_next_ring
from mailflow.models import Offer, Organization

DEFAULT_AWAY = timedelta(days=7)


def mark_away(ctx: ActionContext, offer_id: int, contact_id: int, until: datetime | None) -> bool:
    """True when the offer moved to ``away``; False when it was no longer open."""
    scope = load_offer_scope(ctx, offer_id, contact_id)
    org = ctx.session.get(Organization, scope.offer.organization_id)
    assert org is not None and scope.lead.id is not None
    away_until = until if until and until > ctx.now else ctx.now + DEFAULT_AWAY
    if org.away_until is None or org.away_until < away_until:
        org.away_until = away_until
        audit.record(
            ctx,
            "organization.away",
            organization_id=org.id,
            lead_id=scope.lead.id,
            until=away_until.isoformat(),
        )
    moved = ctx.session.exec(
        update(Offer)
        .where(col(Offer.id) == offer_id, col(Offer.state) == "open")
        .values(state="away", responded_at=ctx.now, reason="out of office")
    )
    if moved.rowcount != 1:
        return False
    audit.record(
        ctx,
        "offer.away",
        lead_id=scope.lead.id,
        offer_id=offer_id,
        organization_id=org.id,
        from_state="open",
        to_state="away",
    )
    offer_next_ring(ctx, scope.lead.id)
    return True
