"""offer: the next ring of partners gets the lead, by email, first come first served."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from mailflow.actions import audit
from mailflow.actions._offers import lock_lead
from mailflow.actions.context import ActionContext
from mailflow.actions.leads.escalation import escalate
from mailflow.actions.outbound import outbox
from mailflow.actions.partners.offer_digest import hold
from mailflow.mail import messages
from mailflow.models import Contact, Lead, LeadState, Offer, OfferState, Organization
from mailflow.queries.away import stand_ins
from mailflow.queries.matching_input import PARTNER_KINDS, lead_place, rank_lead
from mailflow.rules import lifecycle, offer_digest, sla
from mailflow.rules.matching.criteria import Match
from mailflow.rules.note import as_json

__all__ = ["PARTNER_KINDS", "due_undistributed", "offer_contacts", "offer_next_ring", "open_ring"]
# How long a qualified lead may wait for its distribute job before the sweep offers it.
DISTRIBUTE_GRACE = timedelta(minutes=2)


def due_undistributed(session: Session, now: datetime, limit: int) -> list[int]:
    """Qualified leads whose distribute job never ran: lost with a broker restart, or with
    the worker that held it. ``offer_next_ring`` is safe to call twice, so a late job and
    the sweep cannot both open a ring."""
    rows = session.exec(
        select(Lead.id)
        .where(Lead.state == LeadState.QUALIFIED, col(Lead.updated_at) <= now - DISTRIBUTE_GRACE)
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
    lead = lock_lead(ctx, lead_id)
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
    if lead.state in (LeadState.QUALIFIED, LeadState.UNASSIGNED):
        return True
    if lead.state != LeadState.OFFERED:
        return False
    open_offer = ctx.session.exec(
        select(Offer.id).where(Offer.lead_id == lead.id, Offer.state == OfferState.OPEN)
    ).first()
    return open_offer is None


def _unassign(ctx: ActionContext, lead: Lead, why: str) -> None:
    if lead.state == LeadState.UNASSIGNED:
        return
    previous = lead.state
    lead.state = lifecycle.lead_to(previous, LeadState.UNASSIGNED)
    lead.updated_at = ctx.now
    audit.record(
        ctx,
        "lead.unassigned",
        lead_id=lead.id,
        from_state=previous,
        to_state=LeadState.UNASSIGNED,
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
    for position, match in enumerate(matches, start=1):
        deadlines = _deadlines(ctx, lead, match.organization_id)
        offer = Offer(
            lead_id=lead.id,
            organization_id=match.organization_id,
            ring=ring,
            distance_km=match.distance_km,
            offered_at=ctx.now,
            expires_at=deadlines.expires_at,
            remind_at=deadlines.remind_at,
            ranking=match.snapshot(position, len(matches)) if match.score is not None else None,
        )
        ctx.session.add(offer)
        ctx.session.flush()
        audit.record(
            ctx,
            "offer.opened",
            lead_id=lead.id,
            offer_id=offer.id,
            organization_id=match.organization_id,
            to_state=OfferState.OPEN,
            ring=ring,
            why=match.why,
            why_note=as_json(match.why),
        )
        if notify:
            _email_offer(ctx, lead, offer, len(matches))
        offers.append(offer)
    previous = lead.state
    if previous != LeadState.OFFERED:  # a further ring of an offered lead is no transition
        lead.state = lifecycle.lead_to(previous, LeadState.OFFERED)
    lead.ring, lead.updated_at = ring, ctx.now
    lead.offered_at = lead.offered_at or ctx.now
    audit.record(
        ctx,
        "lead.offered",
        lead_id=lead.id,
        from_state=previous,
        to_state=LeadState.OFFERED,
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
    return offers_contacts(ctx, [organization_id]).get(organization_id, [])


def offers_contacts(ctx: ActionContext, organization_ids: list[int]) -> dict[int, list[Contact]]:
    """The contacts who receive offers, of each of the organizations, read at once; a
    contact away now gives way to the colleague who takes over (its away period)."""
    found: dict[int, list[Contact]] = {}
    if not organization_ids:  # a pick on a lead offered to one partner closes no others
        return found
    taking_over = stand_ins(ctx.session, organization_ids, ctx.now)
    for contact in ctx.session.exec(
        select(Contact)
        .where(
            col(Contact.organization_id).in_(organization_ids),
            Contact.receives_offers == True,  # noqa: E712
            Contact.undeliverable == False,  # noqa: E712
        )
        .order_by(col(Contact.id))
    ):
        assert contact.id is not None
        recipients = found.setdefault(contact.organization_id, [])
        chosen = taking_over.get(contact.id, contact)
        if all(chosen.id != r.id for r in recipients):
            recipients.append(chosen)
    return found


def _email_offer(ctx: ActionContext, lead: Lead, offer: Offer, offered_to: int) -> None:
    """``offered_to``: the partners of this ring, whom the email says the lead went to."""
    assert offer.id is not None
    rows = []
    for contact in offer_contacts(ctx, offer.organization_id):
        if offer_digest.held(lead.temperature, contact.offer_delivery):
            hold(ctx, contact, offer)  # a cold lead, for the contact's next digest
            continue
        context = messages.offer(ctx.rt, lead, offer, contact, offered_to)
        rows.append(
            outbox.email(ctx, "offer", contact, context, lead_id=lead.id, offer_id=offer.id)
        )
    outbox.queue_all(ctx, rows)  # one INSERT, and one look for the contacts' push browsers
