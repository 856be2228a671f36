"""Loading the rows an action works on: an offer with the ownership check, a contact by
its email address, the partner managers to tell."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotAllowed, NotFound, PartnerInactive
from mailflow.i18n import N_
from mailflow.models import Contact, Lead, Offer, Organization
from mailflow.queries.visibility import CONSOLE_ROLES


@dataclass
class OfferScope:
    offer: Offer
    lead: Lead
    contact: Contact


def load_offer_scope(ctx: ActionContext, offer_id: int, contact_id: int) -> OfferScope:
    """The offer, its lead and the acting contact, who must belong to the offered partner,
    an active one: every pick, decline and report goes through here, whatever the channel."""
    offer = ctx.session.get(Offer, offer_id)
    contact = ctx.session.get(Contact, contact_id)
    if offer is None or contact is None:
        raise NotFound()
    if contact.organization_id != offer.organization_id:
        raise NotAllowed(N_("This offer was made to another partner."))
    if contact.removed_at is not None or contact.pending:  # left the partner, or not joined
        raise NotAllowed()
    require_active(ctx, offer.organization_id)
    lead = ctx.session.get(Lead, offer.lead_id)
    if lead is None:
        raise NotFound()
    return OfferScope(offer=offer, lead=lead, contact=contact)


def require_active(ctx: ActionContext, organization_id: int) -> Organization:
    """The organization, refused when it is deactivated."""
    org = ctx.session.get(Organization, organization_id)
    if org is None:
        raise NotFound("no such partner")
    if not org.active:
        raise PartnerInactive()
    return org


def contact_by_email(ctx: ActionContext, email: str) -> Contact:
    contact = ctx.session.exec(
        select(Contact).where(Contact.email == email.strip().lower())
    ).first()
    if contact is None:
        raise NotFound(f"no contact with email {email}")
    return contact


def is_console_user(ctx: ActionContext, contact: Contact) -> bool:
    """A console role, a password, or anyone at the manufacturer: the people whose account
    (and so where a password reset goes) only the console and the operator may change."""
    org = ctx.session.get(Organization, contact.organization_id)
    return bool(
        contact.role in CONSOLE_ROLES
        or contact.password_hash
        or (org is not None and org.kind == "manufacturer")
    )


def partner_managers(ctx: ActionContext) -> list[Contact]:
    """The manufacturer's partner managers who can be emailed, in a stable order."""
    return list(
        ctx.session.exec(
            select(Contact)
            .join(Organization, col(Organization.id) == Contact.organization_id)
            .where(
                Organization.kind == "manufacturer",
                Contact.role == "partner_manager",
                Contact.undeliverable == False,  # noqa: E712
            )
            .order_by(col(Contact.id))
        )
    )
