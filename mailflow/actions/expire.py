"""expire: open offers whose SLA has passed are closed, their partners get a short
"this offer has moved on" notice, and the lead goes to the next ring (or is escalated)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from mailflow import audit, leadview
from mailflow.actions.context import ActionContext
from mailflow.actions.offer import offer_contacts, offer_next_ring
from mailflow.mail import outbox
from mailflow.models import Lead, Offer


def due_lead_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Leads with at least one open offer past its SLA. The (state, expires_at) index makes
    this read only the due rows, however many offers are open."""
    rows = session.exec(
        select(Offer.lead_id)
        .where(Offer.state == "open", col(Offer.expires_at) <= now)
        .order_by(col(Offer.expires_at))
        .limit(limit)
    ).all()
    return list(dict.fromkeys(rows))


def lock_lead(ctx: ActionContext, lead_id: int) -> Lead | None:
    """The lead row, locked; ``None`` when another worker holds it (PostgreSQL
    ``SKIP LOCKED``: it is moving this lead right now). SQLite serialises writers with
    ``BEGIN IMMEDIATE`` instead, so the row is simply read."""
    query = select(Lead).where(Lead.id == lead_id).with_for_update(skip_locked=True)
    return ctx.session.exec(query).first()


def expire_due(ctx: ActionContext, lead_id: int) -> list[Offer]:
    """1. lock the lead (skip it if another sweep has it); 2. close its open offers whose
    SLA passed, each with a conditional UPDATE; 3. notify; 4. move the lead on when its
    ring has no open offer left. Returns the offers this call expired."""
    lead = lock_lead(ctx, lead_id)
    if lead is None:
        return []
    due = list(
        ctx.session.exec(
            select(Offer).where(
                Offer.lead_id == lead_id, Offer.state == "open", col(Offer.expires_at) <= ctx.now
            )
        )
    )
    expired = close_offers(ctx, lead, due, "expired")
    if expired:
        offer_next_ring(ctx, lead_id)
    return expired


def close_offers(
    ctx: ActionContext, lead: Lead, offers: Sequence[Offer], state: str, **data: object
) -> list[Offer]:
    """Close open ``offers`` as ``state`` (expired|away) and tell each partner it moved on."""
    closed = []
    for offer in offers:
        done = ctx.session.exec(
            update(Offer)
            .where(col(Offer.id) == offer.id, col(Offer.state) == "open")
            .values(state=state, responded_at=ctx.now, remind_at=None)
        )
        if done.rowcount != 1:
            continue  # picked, declined or closed by someone else meanwhile
        ctx.session.refresh(offer)
        audit.record(
            ctx,
            f"offer.{state}",
            lead_id=lead.id,
            offer_id=offer.id,
            organization_id=offer.organization_id,
            from_state="open",
            to_state=state,
            ring=offer.ring,
            **data,
        )
        if state == "expired":  # an away partner reads nothing now; it sees the portal later
            _moved_on(ctx, lead, offer)
        closed.append(offer)
    return closed


def _moved_on(ctx: ActionContext, lead: Lead, offer: Offer) -> None:
    assert offer.id is not None
    for contact in offer_contacts(ctx, offer.organization_id):
        assert contact.id is not None
        outbox.queue(
            ctx,
            "moved_on",
            contact,
            {
                "lead": leadview.teaser(lead),
                "state": offer.state,
                "links": {"portal": ctx.rt.link(offer.id, contact.id, "portal")},
            },
            lead_id=lead.id,
            offer_id=offer.id,
        )
