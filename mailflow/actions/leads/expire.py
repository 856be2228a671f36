"""expire: open offers whose SLA has passed are closed, their partners get a short
"this offer has moved on" notice, and the lead goes to the next ring (or is escalated)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from mailflow.actions._offers import close_offers, lock_lead
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import OfferExpired
from mailflow.actions.leads.offer import offer_contacts, offer_next_ring
from mailflow.actions.outbound import outbox
from mailflow.mail import messages
from mailflow.models import Lead, Offer, OfferState


def due_lead_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Leads with at least one open offer past its SLA. The (state, expires_at) index makes
    this read only the due rows, however many offers are open."""
    rows = session.exec(
        select(Offer.lead_id)
        .where(Offer.state == OfferState.OPEN, col(Offer.expires_at) <= now)
        .order_by(col(Offer.expires_at))
        .limit(limit)
    ).all()
    return list(dict.fromkeys(rows))


def expire_due(ctx: ActionContext, lead_id: int) -> list[Offer]:
    """1. lock the lead (after whoever holds it: a pick, a reminder, another sweep); 2. close
    its open offers whose SLA passed, with one conditional UPDATE (what another has closed
    meanwhile is left alone); 3. notify; 4. move the lead on when its ring has no open offer
    left. Returns the offers this call expired."""
    lead = lock_lead(ctx, lead_id)
    if lead is None:
        return []
    due = (col(Offer.lead_id) == lead_id, col(Offer.expires_at) <= ctx.now)
    expired = close_offers(ctx, OfferState.EXPIRED, *due)
    tell_moved_on(ctx, lead, expired)
    if expired:
        offer_next_ring(ctx, lead_id)
    return expired


def refuse_past_deadline(ctx: ActionContext, offer: Offer) -> None:
    """An answer (pick, decline) to an open offer whose deadline has passed is refused as
    expired, whatever the sweeps have done: the offer is expired here, by the same
    :func:`expire_due` as the sweep (notices, next ring), and that stands (``OfferExpired``
    keeps its writes). Every way in reaches pick and decline, so every way in is checked."""
    if offer.state != OfferState.OPEN or offer.expires_at > ctx.now:
        return
    expire_due(ctx, offer.lead_id)
    raise OfferExpired("the time to answer this offer has run out", state=OfferState.EXPIRED)


def tell_moved_on(ctx: ActionContext, lead: Lead, offers: Sequence[Offer]) -> None:
    """Each partner whose offer expired reads that it moved on (an away partner reads
    nothing now; it sees the portal later)."""
    for offer in offers:
        assert offer.id is not None
        for contact in offer_contacts(ctx, offer.organization_id):
            context = messages.moved_on(ctx.rt, lead, offer, contact)
            outbox.queue(ctx, "moved_on", contact, context, lead_id=lead.id, offer_id=offer.id)
