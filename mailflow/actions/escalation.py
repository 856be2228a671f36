"""Escalation: a lead nobody picked goes to the responsible partner manager, who decides
with one click: offer it to a chosen partner, widen the search, or withdraw it."""

from __future__ import annotations

from sqlmodel import col, select

from mailflow import audit, escalation_links, leadview, lifecycle
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotAllowed, NotFound, WrongState
from mailflow.mail import outbox
from mailflow.models import Contact, Lead, Organization

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
    for manager in managers:
        assert manager.id is not None
        links = {
            c: escalation_links.link(ctx.rt, lead.id, manager.id, c)
            for c in escalation_links.CHOICES
        }
        links["portal"] = f"{ctx.settings.base_url}/console/leads/{lead.id}"
        outbox.queue(
            ctx,
            "escalation",
            manager,
            {"lead": leadview.teaser(lead), "ring": lead.ring, "why": why, "links": links},
            lead_id=lead.id,
        )


def _manager_lead(ctx: ActionContext, lead_id: int, contact_id: int) -> Lead:
    contact = ctx.session.get(Contact, contact_id)
    if contact is None or contact.role not in MANAGER_ROLES:
        raise NotAllowed("only a partner manager decides on an escalated lead")
    lead = ctx.session.exec(select(Lead).where(Lead.id == lead_id).with_for_update()).first()
    if lead is None:
        raise NotFound("no such lead")
    if lead.state != "unassigned":
        raise WrongState(f"lead is {lead.state}; it was decided already", state=lead.state)
    return lead


def offer_to(ctx: ActionContext, lead_id: int, contact_id: int, organization_id: int) -> int:
    """Offer the lead to one chosen partner (a ring of one); returns the new offer's id."""
    from mailflow.actions.offer import offer_next_ring

    _manager_lead(ctx, lead_id, contact_id)
    audit.record(ctx, "lead.escalation_decided", lead_id=lead_id, choice="offer_to")
    offers = offer_next_ring(ctx, lead_id, only=organization_id)
    if not offers:
        raise InvalidInput("this partner cannot take offers now (inactive, away or no contact)")
    assert offers[0].id is not None
    return offers[0].id


def widen(ctx: ActionContext, lead_id: int, contact_id: int) -> int:
    """One more ring, any country; returns how many partners got the offer."""
    from mailflow.actions.offer import offer_next_ring

    _manager_lead(ctx, lead_id, contact_id)
    audit.record(ctx, "lead.escalation_decided", lead_id=lead_id, choice="widen")
    return len(offer_next_ring(ctx, lead_id, widen=True))


def withdraw(ctx: ActionContext, lead_id: int, contact_id: int) -> None:
    lead = _manager_lead(ctx, lead_id, contact_id)
    lifecycle.check_lead(lead.state, "withdrawn")
    lead.state, lead.updated_at, lead.closed_at = "withdrawn", ctx.now, ctx.now
    audit.record(
        ctx,
        "lead.withdrawn",
        lead_id=lead_id,
        from_state="unassigned",
        to_state="withdrawn",
        choice="withdraw",
    )


def candidates(ctx: ActionContext, lead: Lead) -> list[Organization]:
    """Partners a manager may choose from: active ones, same country first."""
    orgs = list(
        ctx.session.exec(
            select(Organization)
            .where(col(Organization.kind).in_(("dealer", "distributor")), Organization.active)
            .order_by(col(Organization.name))
        )
    )
    return sorted(orgs, key=lambda o: o.country != lead.country)
