"""Reminders: one before an offer's SLA runs out, and feedback reminders for a picked
lead on a schedule (default after 3, 7 and 14 days). Both respect away periods and never
go out twice within the reminder window; both claim their row with a conditional UPDATE,
so two sweeps send each reminder once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from mailflow.actions import audit
from mailflow.actions._offers import lock_lead
from mailflow.actions.context import ActionContext
from mailflow.actions.leads.offer import offer_contacts
from mailflow.actions.outbound import outbox
from mailflow.mail import messages
from mailflow.models import Contact, Feedback, Lead, Offer, Organization, OutboundEmail
from mailflow.models.states import OfferState
from mailflow.queries.away import paused_spans
from mailflow.rules import followup
from mailflow.rules.lifecycle import OPEN_STAGES


def due_offer_reminders(session: Session, now: datetime, limit: int) -> list[int]:
    rows = session.exec(
        select(Offer.id)
        .where(col(Offer.remind_at) <= now)
        .order_by(col(Offer.remind_at))
        .limit(limit)
    ).all()
    return [r for r in rows if r is not None]


def due_feedback_reminders(session: Session, now: datetime, limit: int) -> list[int]:
    rows = session.exec(
        select(Lead.id)
        .where(col(Lead.next_reminder_at) <= now)
        .order_by(col(Lead.next_reminder_at))
        .limit(limit)
    ).all()
    return [r for r in rows if r is not None]


def _last_sent(ctx: ActionContext, kind: str, **where: int) -> datetime | None:
    query = select(func.max(OutboundEmail.created_at)).where(OutboundEmail.kind == kind)
    for name, value in where.items():
        query = query.where(getattr(OutboundEmail, name) == value)
    return ctx.session.exec(query).first()


def remind_offer(ctx: ActionContext, offer_id: int) -> bool:
    """The one reminder before the SLA runs out; ``True`` when it was sent. The lead's row
    is locked before the offer is claimed (the one lock order, see ``_offers``)."""
    lead_id = ctx.session.exec(select(Offer.lead_id).where(col(Offer.id) == offer_id)).first()
    if lead_id is None or lock_lead(ctx, lead_id) is None:
        return False
    claimed = ctx.session.exec(
        update(Offer)
        .where(col(Offer.id) == offer_id, col(Offer.remind_at) <= ctx.now)
        .values(remind_at=None)
    )
    offer = ctx.session.get(Offer, offer_id)
    if claimed.rowcount != 1 or offer is None or offer.state != OfferState.OPEN:
        return False
    if offer.expires_at <= ctx.now:
        return False  # past its deadline (a catch-up): it expires, "runs out soon" is untrue
    org = ctx.session.get(Organization, offer.organization_id)
    lead = ctx.session.get(Lead, offer.lead_id)
    assert org is not None and org.id is not None and lead is not None and offer.id is not None
    if followup.back_at(paused_spans(ctx.session, org.id, ctx.now), ctx.now) is not None:
        audit.record(ctx, "offer.reminder_skipped", lead_id=lead.id, offer_id=offer.id, why="away")
        return False
    last = _last_sent(ctx, "offer_reminder", offer_id=offer.id)
    if followup.within_window(last, ctx.now, ctx.settings.reminder_window_hours):
        return False
    for contact in offer_contacts(ctx, offer.organization_id):
        context = messages.offer_reminder(ctx.rt, lead, offer, contact)
        outbox.queue(ctx, "offer_reminder", contact, context, lead_id=lead.id, offer_id=offer.id)
    audit.record(
        ctx,
        "offer.reminded",
        lead_id=lead.id,
        offer_id=offer.id,
        organization_id=offer.organization_id,
    )
    return True


def schedule_feedback(ctx: ActionContext, lead: Lead, last_report: datetime) -> None:
    """(Re)start the feedback schedule after a pick or a report; stop it once closed."""
    days = ctx.settings.feedback_reminder_days
    if lead.state in OPEN_STAGES:
        lead.feedback_due_at = followup.feedback_due_at(last_report, days)
        lead.next_reminder_at = followup.next_reminder_at(last_report, 0, days)
    else:
        lead.feedback_due_at = lead.next_reminder_at = None
    lead.reminders_sent = 0


def remind_feedback(ctx: ActionContext, lead_id: int) -> bool:
    """The next feedback reminder of a picked lead; ``True`` when it was sent."""
    lead = ctx.session.exec(select(Lead).where(Lead.id == lead_id).with_for_update()).first()
    if lead is None or lead.next_reminder_at is None or lead.next_reminder_at > ctx.now:
        return False  # another sweep got it first
    if lead.state not in OPEN_STAGES or lead.owner_id is None:
        lead.next_reminder_at = None
        return False
    org = ctx.session.get(Organization, lead.owner_id)
    assert org is not None and org.id is not None
    away_until = followup.back_at(paused_spans(ctx.session, org.id, ctx.now), ctx.now)
    back = followup.after_away(lead.next_reminder_at, away_until, ctx.now)
    last = _last_sent(ctx, "feedback_reminder", lead_id=lead_id)
    window = ctx.settings.reminder_window_hours
    if followup.within_window(last, ctx.now, window) and last is not None:
        back = max(back, last + timedelta(hours=window))
    if back > ctx.now:
        lead.next_reminder_at = back  # later: the partner is away, or was just reminded
        return False
    _send_feedback_reminder(ctx, lead)
    lead.reminders_sent += 1
    lead.next_reminder_at = followup.next_reminder_at(
        _last_report(ctx, lead), lead.reminders_sent, ctx.settings.feedback_reminder_days
    )
    if lead.next_reminder_at is not None and lead.next_reminder_at <= ctx.now:
        lead.next_reminder_at = ctx.now + timedelta(hours=window)
    audit.record(
        ctx,
        "lead.feedback_reminded",
        lead_id=lead.id,
        organization_id=org.id,
        number=lead.reminders_sent,
    )
    return True


def _last_report(ctx: ActionContext, lead: Lead) -> datetime:
    latest = ctx.session.exec(
        select(func.max(Feedback.created_at)).where(Feedback.lead_id == lead.id)
    ).first()
    assert lead.picked_at is not None
    return max(latest, lead.picked_at) if latest else lead.picked_at


def _send_feedback_reminder(ctx: ActionContext, lead: Lead) -> None:
    offer_id = ctx.session.exec(
        select(Offer.id).where(
            Offer.lead_id == lead.id,
            Offer.organization_id == lead.owner_id,
            Offer.state == OfferState.PICKED,
        )
    ).first()
    contact = ctx.session.get(Contact, lead.owner_contact_id) if lead.owner_contact_id else None
    if offer_id is None or contact is None or contact.undeliverable:
        return
    assert contact.id is not None
    context = messages.feedback_reminder(ctx.rt, lead, offer_id, contact.id)
    outbox.queue(ctx, "feedback_reminder", contact, context, lead_id=lead.id, offer_id=offer_id)
