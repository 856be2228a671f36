"""Escalation: a lead nobody picked goes to the responsible partner manager, who decides
with one click (:mod:`mailflow.actions.leads.decide`)."""

from __future__ import annotations

from sqlmodel import col, select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.outbound import outbox
from mailflow.mail import messages
from mailflow.models import Contact, Lead, Organization
from mailflow.queries.escalation import declines

MANAGER_ROLES = ("partner_manager",)


def partner_managers(ctx: ActionContext, lead: Lead) -> list[Contact]:
    """The manufacturer's partner managers; those for the lead's country first, if any
    organization of that country has one."""
    rows = list(
        ctx.session.exec(
            select(Contact, Organization)
            .join(Organization, col(Organization.id) == Contact.organization_id)
            .where(col(Contact.role).in_(MANAGER_ROLES), Organization.kind == "manufacturer")
            .order_by(col(Contact.id))
        )
    )
    local = [c for c, org in rows if lead.country and org.country == lead.country]
    return local or [c for c, _ in rows]


def escalate(ctx: ActionContext, lead: Lead, why: str) -> None:
    """Called in the transaction that makes the lead ``unassigned``."""
    assert lead.id is not None
    managers = partner_managers(ctx, lead)
    audit.record(
        ctx,
        "lead.escalated",
        lead_id=lead.id,
        why=why,
        ring=lead.ring,
        managers=[m.id for m in managers],
    )
    declined = [{"name": d.name, "reason": d.reason} for d in declines(ctx.session, lead.id)]
    for manager in managers:
        context = messages.escalation(ctx.rt, lead, manager, why, declined)
        outbox.queue(ctx, "escalation", manager, context, lead_id=lead.id)
