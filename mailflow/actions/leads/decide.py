"""What a partner manager decides about an escalated lead, with one click: offer it to a
chosen partner, widen the search, or withdraw it."""

from __future__ import annotations

from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotAllowed, NotFound, WrongState
from mailflow.actions.leads.escalation import MANAGER_ROLES
from mailflow.actions.leads.offer import offer_next_ring
from mailflow.i18n import N_
from mailflow.models import Contact, Lead, LeadState
from mailflow.rules import lifecycle


def _manager_lead(ctx: ActionContext, lead_id: int, contact_id: int) -> Lead:
    contact = ctx.session.get(Contact, contact_id)
    if contact is None or contact.role not in MANAGER_ROLES:
        raise NotAllowed("only a partner manager decides on an escalated lead")
    lead = ctx.session.exec(select(Lead).where(Lead.id == lead_id).with_for_update()).first()
    if lead is None:
        raise NotFound("no such lead")
    if lead.state != LeadState.UNASSIGNED:
        raise WrongState(f"lead is {lead.state}; it was decided already", state=lead.state)
    return lead


def offer_to(ctx: ActionContext, lead_id: int, contact_id: int, organization_id: int) -> int:
    """Offer the lead to one chosen partner (a ring of one); returns the new offer's id."""
    _manager_lead(ctx, lead_id, contact_id)
    audit.record(ctx, "lead.escalation_decided", lead_id=lead_id, choice="offer_to")
    offers = offer_next_ring(ctx, lead_id, only=organization_id)
    if not offers:
        raise InvalidInput(
            N_("This partner cannot take offers now (inactive, away, at capacity or no contact).")
        )
    assert offers[0].id is not None
    return offers[0].id


def widen(ctx: ActionContext, lead_id: int, contact_id: int) -> int:
    """One more ring, any country; returns how many partners got the offer."""
    _manager_lead(ctx, lead_id, contact_id)
    audit.record(ctx, "lead.escalation_decided", lead_id=lead_id, choice="widen")
    return len(offer_next_ring(ctx, lead_id, widen=True))


def withdraw(ctx: ActionContext, lead_id: int, contact_id: int) -> None:
    lead = _manager_lead(ctx, lead_id, contact_id)
    lead.state = lifecycle.lead_to(lead.state, LeadState.WITHDRAWN)
    lead.updated_at, lead.closed_at = ctx.now, ctx.now
    audit.record(
        ctx,
        "lead.withdrawn",
        lead_id=lead_id,
        from_state=LeadState.UNASSIGNED,
        to_state=LeadState.WITHDRAWN,
        choice="withdraw",
    )
