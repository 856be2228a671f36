"""record_legal_basis: the manufacturer's staff give a lead the legal basis it came in
without (the customer's consent, with when and where, or a legitimate-interest note). A
lead its campaign held in the qualification queue for the lack of one passes the
campaign's gate again: qualified, it goes out the normal way."""

from __future__ import annotations

from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotFound, WrongState
from mailflow.actions.leads.qualification import AGENCY_NOTE, gate
from mailflow.models import Lead
from mailflow.models.schemas import LegalBasisIn
from mailflow.models.states import LeadState
from mailflow.rules.lifecycle import CLOSED_STAGES


def record_legal_basis(ctx: ActionContext, lead_id: int, basis: LegalBasisIn) -> Lead:
    """Store ``basis`` (a complete one: the schema refuses half of one) in place of the
    lead's; a lead waiting for it in the queue is judged again."""
    lead = ctx.session.exec(select(Lead).where(Lead.id == lead_id).with_for_update()).first()
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    if lead.state in CLOSED_STAGES or lead.anonymised_at is not None:
        raise WrongState(f"lead is {lead.state}; it needs no legal basis now", state=lead.state)
    if basis.legal_basis is None:
        raise InvalidInput("give the consent or the legitimate interest")
    for name in LegalBasisIn.model_fields:
        setattr(lead, name, getattr(basis, name))
    lead.updated_at = ctx.now
    # the kind of basis only: where and why can name the customer
    audit.record(ctx, "lead.legal_basis_recorded", lead_id=lead.id, basis=basis.legal_basis)
    if lead.state == LeadState.NEW and lead.qualify_note != AGENCY_NOTE:
        gate(ctx, lead)
    return lead
