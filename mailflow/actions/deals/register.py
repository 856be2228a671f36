"""register: a partner registers an opportunity it found itself (the portal's form, the
API, a forwarded email), and confirms or corrects what a forwarded email was read as.

A registration is checked for conflicts when it is submitted (:mod:`mailflow.queries.deals`)
and goes to the staff's decision (:mod:`mailflow.actions.deals.decide`)."""

from __future__ import annotations

from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions._load import require_active
from mailflow.actions.context import ActionContext
from mailflow.actions.deals.notify import ask_staff, tell_understood
from mailflow.actions.errors import InvalidInput, NotAllowed, NotFound, WrongState
from mailflow.i18n import N_
from mailflow.models import Contact, DealRegistration
from mailflow.models.schemas import DealIn
from mailflow.models.states import DealState
from mailflow.queries.deals import conflicts
from mailflow.queries.matching_input import business_domain

PARTNER_KINDS = ("dealer", "distributor")


def register(
    ctx: ActionContext, organization_id: int, contact_id: int | None, data: DealIn
) -> DealRegistration:
    """Submit a registration at once: checked for conflicts, and the staff are asked."""
    deal = _new(ctx, organization_id, contact_id, data, DealState.SUBMITTED)
    _submitted(ctx, deal)
    return deal


def draft(
    ctx: ActionContext, contact: Contact, data: DealIn, inbound_email_id: int | None
) -> DealRegistration:
    """What a forwarded email was read as: kept as a draft, and the partner gets an email
    with it and a signed link to correct and confirm it. Nothing goes to the staff yet."""
    assert contact.id is not None
    deal = _new(ctx, contact.organization_id, contact.id, data, DealState.DRAFT, fill=False)
    deal.inbound_email_id = inbound_email_id
    tell_understood(ctx, deal, contact)
    return deal


def confirm(ctx: ActionContext, deal_id: int, contact_id: int, data: DealIn) -> DealRegistration:
    """The partner's corrected fields replace the draft's, and it is submitted."""
    deal = _locked(ctx, deal_id)
    contact = ctx.session.get(Contact, contact_id)
    if contact is None or contact.organization_id != deal.organization_id:
        raise NotAllowed(N_("This registration belongs to another partner."))
    if deal.state != DealState.DRAFT:
        raise WrongState(N_("This registration was confirmed already."), state=deal.state)
    require_active(ctx, deal.organization_id)
    _fill(deal, data)
    deal.contact_id, deal.state, deal.updated_at = contact_id, DealState.SUBMITTED, ctx.now
    _submitted(ctx, deal, from_state=DealState.DRAFT)
    return deal


def _new(ctx: ActionContext, organization_id: int, contact_id: int | None, data: DealIn,
         state: DealState, *, fill: bool = True) -> DealRegistration:  # fmt: skip
    org = require_active(ctx, organization_id)
    if org.kind not in PARTNER_KINDS:
        raise NotAllowed(N_("Only a sales partner can register a deal."))
    if fill and not (data.customer_name or data.customer_company):
        raise InvalidInput("name the customer or its company",
                           said=N_("Please name the customer or its company."))  # fmt: skip
    deal = DealRegistration(organization_id=organization_id, contact_id=contact_id,
                            state=state, channel=ctx.channel, created_at=ctx.now,
                            updated_at=ctx.now)  # fmt: skip
    _fill(deal, data)
    ctx.session.add(deal)
    ctx.session.flush()
    audit.record(ctx, "deal.registered", organization_id=organization_id, deal_id=deal.id,
                 to_state=state, contact_id=contact_id)  # fmt: skip
    return deal


def _fill(deal: DealRegistration, data: DealIn) -> None:
    for name, value in data.model_dump().items():
        setattr(deal, name, value)
    deal.customer_domain = business_domain(deal.customer_email)


def _submitted(
    ctx: ActionContext, deal: DealRegistration, from_state: DealState | None = None
) -> None:
    ctx.session.flush()
    deal.conflicts = conflicts(ctx.session, deal)
    audit.record(ctx, "deal.submitted", organization_id=deal.organization_id, deal_id=deal.id,
                 from_state=from_state, to_state=DealState.SUBMITTED,
                 conflicts=len(deal.conflicts))  # fmt: skip
    ask_staff(ctx, deal)


def _locked(ctx: ActionContext, deal_id: int) -> DealRegistration:
    deal = ctx.session.exec(
        select(DealRegistration).where(DealRegistration.id == deal_id).with_for_update()
    ).first()
    if deal is None:
        raise NotFound("no such registration", said=N_("We could not find this registration."))
    return deal
