"""Who hears of a deal registration, and by which email: the partner what an email was
read as and what the staff decided; the staff each registration to decide."""

from __future__ import annotations

from sqlmodel import select

from mailflow.actions._load import partner_managers
from mailflow.actions.context import ActionContext
from mailflow.actions.outbound import outbox
from mailflow.mail import messages
from mailflow.models import Contact, DealRegistration, Organization, OrgAssignment
from mailflow.queries.deals import extension_days


def deciders(ctx: ActionContext, organization_id: int) -> list[Contact]:
    """The partner's own manager when it has one who can be emailed, else every partner
    manager of the manufacturer."""
    assignment = ctx.session.get(OrgAssignment, organization_id)
    if assignment is not None and assignment.manager_contact_id is not None:
        manager = ctx.session.get(Contact, assignment.manager_contact_id)
        if manager is not None and not manager.undeliverable:
            return [manager]
    return partner_managers(ctx)


def ask_staff(ctx: ActionContext, deal: DealRegistration) -> None:
    partner = ctx.session.get(Organization, deal.organization_id)
    assert partner is not None
    for manager in deciders(ctx, deal.organization_id):
        context = messages.deal_review(ctx.rt, deal, manager, partner.name)
        outbox.queue(ctx, "deal_review", manager, context)


def ask_extension(ctx: ActionContext, deal: DealRegistration) -> None:
    partner = ctx.session.get(Organization, deal.organization_id)
    assert partner is not None
    for manager in deciders(ctx, deal.organization_id):
        days = extension_days(ctx.session, deal)
        context = messages.deal_extension(ctx.rt, deal, manager, partner.name, days)
        outbox.queue(ctx, "deal_extension", manager, context, lead_id=deal.lead_id)


def tell_expiring(ctx: ActionContext, deal: DealRegistration) -> None:
    for contact in _partner_contacts(ctx, deal):
        outbox.queue(ctx, "deal_expiring", contact, messages.deal_expiring(ctx.rt, deal, contact),
                     lead_id=deal.lead_id)  # fmt: skip


def tell_extended(ctx: ActionContext, deal: DealRegistration) -> None:
    for contact in _partner_contacts(ctx, deal):
        outbox.queue(ctx, "deal_extended", contact, messages.deal_extended(ctx.rt, deal, contact),
                     lead_id=deal.lead_id)  # fmt: skip


def tell_understood(ctx: ActionContext, deal: DealRegistration, contact: Contact) -> None:
    outbox.queue(ctx, "deal_understood", contact, messages.deal_understood(ctx.rt, deal, contact))


def tell_decided(ctx: ActionContext, deal: DealRegistration) -> None:
    """The partner's contact who registered it (else its contacts who receive offers)."""
    for contact in _partner_contacts(ctx, deal):
        outbox.queue(ctx, "deal_decided", contact, messages.deal_decided(ctx.rt, deal, contact),
                     lead_id=deal.lead_id)  # fmt: skip


def _partner_contacts(ctx: ActionContext, deal: DealRegistration) -> list[Contact]:
    if deal.contact_id is not None:
        contact = ctx.session.get(Contact, deal.contact_id)
        if contact is not None and not contact.undeliverable:
            return [contact]
    return list(
        ctx.session.exec(
            select(Contact).where(
                Contact.organization_id == deal.organization_id,
                Contact.receives_offers == True,  # noqa: E712
                Contact.undeliverable == False,  # noqa: E712
            )
        )
    )
