"""deliver_report, opt_out, opt_in, set_report_schedule: the weekly report's state changes.

Delivery claims the period with one conditional UPDATE of the contact's subscription
(``last_period`` differs from the period) and checks the row count, so a sweep run twice
or by two workers sends each contact one report per week.
"""

from __future__ import annotations

from sqlalchemy import or_, update
from sqlmodel import col

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotFound
from mailflow.actions.outbound import outbox
from mailflow.mail import messages
from mailflow.models import Contact, ReportSubscription
from mailflow.queries import reports, visibility


def _subscription(ctx: ActionContext, contact_id: int) -> ReportSubscription:
    sub = ctx.session.get(ReportSubscription, contact_id)
    if sub is None:
        sub = ReportSubscription(contact_id=contact_id, updated_at=ctx.now)
        ctx.session.add(sub)
        ctx.session.flush()
    return sub


def deliver_report(ctx: ActionContext, contact_id: int, period_label: str) -> bool:
    """Queue the weekly report email; False when it was sent already or is unwanted."""
    contact = ctx.session.get(Contact, contact_id)
    if contact is None or contact.role not in visibility.REPORT_ROLES:
        return False
    _subscription(ctx, contact_id)
    claimed = ctx.session.exec(
        update(ReportSubscription)
        .where(
            col(ReportSubscription.contact_id) == contact_id,
            col(ReportSubscription.opted_out).is_(False),
            or_(
                col(ReportSubscription.last_period).is_(None),
                col(ReportSubscription.last_period) != period_label,
            ),
        )
        .values(last_period=period_label, updated_at=ctx.now)
    )
    if claimed.rowcount != 1:
        return False
    period = reports.period_for(period_label, contact, ctx.now)
    view = reports.view(ctx.session, ctx.rt, contact, period)
    context = messages.weekly_report(ctx.rt, view, contact_id)
    email_id = outbox.queue(ctx, "weekly_report", contact, context)
    audit.record(ctx, "report.sent", period=period_label, contact_id=contact_id, email_id=email_id)
    return True


def opt_out(ctx: ActionContext, contact_id: int) -> bool:
    """Stop the weekly report; True when this call changed something."""
    if ctx.session.get(Contact, contact_id) is None:
        raise NotFound("no such contact")
    sub = _subscription(ctx, contact_id)
    if sub.opted_out:
        return False
    sub.opted_out, sub.updated_at = True, ctx.now
    audit.record(ctx, "report.opted_out", contact_id=contact_id)
    return True


def opt_in(ctx: ActionContext, contact_id: int) -> bool:
    """Start the weekly report again after an opt-out; True when this call changed something."""
    if ctx.session.get(Contact, contact_id) is None:
        raise NotFound("no such contact")
    sub = _subscription(ctx, contact_id)
    if not sub.opted_out:
        return False
    sub.opted_out, sub.updated_at = False, ctx.now
    audit.record(ctx, "report.opted_in", contact_id=contact_id)
    return True


def set_report_schedule(
    ctx: ActionContext, contact_id: int, weekday: int, hour: int, subscribed: bool = True
) -> ReportSubscription:
    if not (0 <= weekday <= 6 and 0 <= hour <= 23):
        raise InvalidInput("weekday 0–6 (Monday = 0) and hour 0–23")
    sub = _subscription(ctx, contact_id)
    sub.weekday, sub.hour, sub.opted_out, sub.updated_at = weekday, hour, not subscribed, ctx.now
    audit.record(
        ctx,
        "report.scheduled",
        contact_id=contact_id,
        weekday=weekday,
        hour=hour,
        subscribed=subscribed,
    )
    return sub
