"""offer: the next ring of partners gets the lead, by email, first come first served."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from mailflow import audit, leadview, lifecycle, sla
from mailflow.actions.context import ActionContext
from mailflow.mail import outbox
from mailflow.matchdata import PARTNER_KINDS, lead_place, rank_lead
from mailflow.matching import Match
from mailflow.models import Contact, Lead, Offer, Organization

__all__ = ["PARTNER_KINDS", "due_undistributed", "offer_contacts", "offer_next_ring", "open_ring"]
# How long a qualified lead may wait for its distribute job before the sweep offers it.
DISTRIBUTE_GRACE = timedelta(minutes=2)


def _lock_lead(ctx: ActionContext, lead_id: int) -> Lead | None:
    return ctx.session.exec(select(Lead).where(Lead.id == lead_id).with_for_update()).first()


def due_undistributed(session: Session, now: datetime, limit: int) -> list[int]:
    """Qualified leads whose distribute job never ran: lost with a broker restart, or with
    the worker that held it. ``offer_next_ring`` is safe to call twice, so a late job and
    the sweep cannot both open a ring."""
    rows = session.exec(
        select(Lead.id)
        .where(Lead.state == "qualified", col(Lead.updated_at) <= now - DISTRIBUTE_GRACE)
        .order_by(col(Lead.id))
        .limit(limit)
    ).all()
    return [r for r in rows if r is not None]


def offer_next_ring(
    ctx: ActionContext, lead_id: int, *, widen: bool = False, only: int | None = None
) -> list[Offer]:
    """Offer ``lead_id`` to the next ring; ``[]`` when there was nothing to do or nobody left
    (the lead is then ``unassigned`` and escalated). Safe to call twice: only a qualified
    lead, or an offered one without open offers, moves. After ``max_rings`` rings the lead
    is unassigned; the partner manager's choices ``widen`` (any country, one more ring) and
    ``only`` (one chosen partner) go past that limit."""
    lead = _lock_lead(ctx, lead_id)
    if lead is None or not _due_for_ring(ctx, lead):
        return []
    chosen = widen or only is not None
    if not chosen and lead.ring >= ctx.settings.max_rings:
        _unassign(ctx, lead, "last_ring")
        return []
    already = set(ctx.session.exec(select(Offer.organization_id).where(Offer.lead_id == lead_id)))
    place = lead_place(lead)
    if chosen:  # the partner manager widened the search, or chose a partner: any country
        place = replace(place, country=None)
    if only is not None:
        already = set()
    ranking = rank_lead(ctx.session, lead, now=ctx.now, limit=ctx.settings.ring_size,
                        skip=already, place=place, only=only)  # fmt: skip
    matches = ranking.ring
    if not matches:
        _unassign(ctx, lead, "no_partner_left")
        return []
    return open_ring(ctx, lead, matches)


def _due_for_ring(ctx: ActionContext, lead: Lead) -> bool:
    if lead.state in ("qualified", "unassigned"):
        return True
    if lead.state != "offered":
        return False
    open_offer = ctx.session.exec(
        select(Offer.id).where(Offer.lead_id == lead.id, Offer.state == "open")
    ).first()
    return open_offer is None


def _unassign(ctx: ActionContext, lead: Lead, why: str) -> None:
    from mailflow.actions.escalation import escalate

    if lead.state == "unassigned":
        return
    previous = lead.state
    lifecycle.check_lead(previous, "unassigned")
    lead.state, lead.updated_at = "unassigned", ctx.now
    audit.record(
        ctx,
        "lead.unassigned",
        lead_id=lead.id,
        from_state=previous,
        to_state="unassigned",
        why=why,
        ring=lead.ring,
    )
    escalate(ctx, lead, why)


def open_ring(
    ctx: ActionContext, lead: Lead, matches: list[Match], *, notify: bool = True
) -> list[Offer]:
    assert lead.id is not None
    ring = lead.ring + 1
    offers = []
    for match in matches:
        deadlines = _deadlines(ctx, lead, match.organization_id)
        offer = Offer(
            lead_id=lead.id,
            organization_id=match.organization_id,
            ring=ring,
            distance_km=match.distance_km,
            offered_at=ctx.now,
            expires_at=deadlines.expires_at,
            remind_at=deadlines.remind_at,
        )
        ctx.session.add(offer)
        ctx.session.flush()
        audit.record(
            ctx,
            "offer.opened",
            lead_id=lead.id,
            offer_id=offer.id,
            organization_id=match.organization_id,
            to_state="open",
            ring=ring,
            why=match.why,
        )
        if notify:
            _email_offer(ctx, lead, offer)
        offers.append(offer)
    previous = lead.state
    if previous != "offered":
        lifecycle.check_lead(previous, "offered")
    lead.state, lead.ring, lead.updated_at = "offered", ring, ctx.now
    lead.offered_at = lead.offered_at or ctx.now
    audit.record(
        ctx,
        "lead.offered",
        lead_id=lead.id,
        from_state=previous,
        to_state="offered",
        ring=ring,
        organizations=[m.organization_id for m in matches],
    )
    return offers


def _deadlines(ctx: ActionContext, lead: Lead, organization_id: int) -> sla.Deadlines:
    """The SLA of the lead's campaign and temperature, counted in the partner's business
    hours when it has them configured."""
    org = ctx.session.get(Organization, organization_id)
    calendar = sla.calendar_from(org.business_hours, org.country) if org else None
    hours = sla.sla_hours(
        ctx.settings.sla_hours, ctx.settings.campaign_sla_hours, lead.campaign, lead.temperature
    )
    return sla.offer_deadlines(ctx.now, hours, calendar, ctx.settings.sla_reminder_fraction)


def offer_contacts(ctx: ActionContext, organization_id: int) -> list[Contact]:
    return list(
        ctx.session.exec(
            select(Contact).where(
                Contact.organization_id == organization_id,
                Contact.receives_offers == True,  # noqa: E712
                Contact.undeliverable == False,  # noqa: E712
            )
        )
    )


def _email_offer(ctx: ActionContext, lead: Lead, offer: Offer) -> None:
    assert offer.id is not None
    for contact in offer_contacts(ctx, offer.organization_id):
        assert contact.id is not None
        links = {a: ctx.rt.link(offer.id, contact.id, a) for a in ("pick", "decline", "portal")}
        context = {
            "lead": leadview.teaser(lead),
            "offer": {
                "id": offer.id,
                "ring": offer.ring,
                "expires_at": offer.expires_at.isoformat(),
                "distance_km": round(offer.distance_km) if offer.distance_km else None,
            },
            "links": links,
            "reply_key": ctx.rt.reply_key(offer.id, contact.id),
        }
        outbox.queue(ctx, "offer", contact, context, lead_id=lead.id, offer_id=offer.id)
