"""queue_digest: the weekly overview for partner managers — which partners carry picked
leads overdue for feedback, and which of them the processing queue blocks; a partner in
a paused away period is left out (its feedback reminders wait for it too)."""

from __future__ import annotations

from sqlmodel import col, func, select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.leads.escalation import MANAGER_ROLES
from mailflow.actions.outbound import outbox
from mailflow.mail import messages
from mailflow.models import Contact, Lead, Organization
from mailflow.queries.away import paused_now
from mailflow.rules import followup
from mailflow.rules.lifecycle import OPEN_STAGES


def queue_digest(ctx: ActionContext) -> int:
    """Queue one digest per partner manager; returns how many partners were listed."""
    rows = ctx.session.exec(
        select(Organization, func.count(col(Lead.id)))
        .join(Lead, col(Lead.owner_id) == Organization.id)
        .where(col(Lead.state).in_(OPEN_STAGES), col(Lead.feedback_due_at) <= ctx.now)
        .group_by(col(Organization.id))
        .order_by(func.count(col(Lead.id)).desc())
    ).all()
    away = paused_now(ctx.session, ctx.now)
    rows = [(org, overdue) for org, overdue in rows if org.id not in away]
    if not rows:
        return 0
    partners = []
    for org, overdue in rows:
        limit = followup.queue_limit(org.level, ctx.settings.queue_limits, ctx.settings.queue_limit)
        gate = followup.Gate(int(overdue), limit)
        partners.append(
            {"name": org.name, "overdue": gate.overdue, "limit": limit, "blocked": gate.blocked}
        )
    managers = ctx.session.exec(
        select(Contact)
        .join(Organization, col(Organization.id) == Contact.organization_id)
        .where(col(Contact.role).in_(MANAGER_ROLES), Organization.kind == "manufacturer")
    ).all()
    for manager in managers:
        outbox.queue(ctx, "queue_digest", manager, messages.queue_digest(ctx.rt, partners))
    audit.record(ctx, "queue.digest", partners=len(partners), managers=len(managers))
    return len(partners)
