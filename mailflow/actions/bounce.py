"""record_bounce: an email to a partner contact could not be delivered.

A hard bounce marks the address undeliverable at once; soft bounces count toward a
threshold. An offer whose partner can no longer be reached moves on, and the partner
managers are told so they can fix the address.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import col, select

from mailflow import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.offer import offer_contacts, offer_next_ring
from mailflow.mail import outbox
from mailflow.models import Contact, Offer, Organization, OutboundEmail

SOFT_BOUNCE_LIMIT = 3


@dataclass(frozen=True)
class BounceResult:
    contact_id: int | None
    undeliverable: bool
    offer_moved: bool


def record_bounce(
    ctx: ActionContext,
    email_id: int | None,
    recipient: str | None,
    *,
    hard: bool,
    status: str | None = None,
) -> BounceResult:
    email = ctx.session.get(OutboundEmail, email_id) if email_id else None
    contact = _contact(ctx, email, recipient)
    if contact is None:
        return BounceResult(None, False, False)
    newly = _count(ctx, contact, hard, status)
    moved = False
    if newly:
        moved = _move_offer_on(ctx, email)
        _tell_partner_managers(ctx, contact, status)
    return BounceResult(contact.id, contact.undeliverable, moved)


def _contact(
    ctx: ActionContext, email: OutboundEmail | None, recipient: str | None
) -> Contact | None:
    if email is not None and email.contact_id:
        return ctx.session.get(Contact, email.contact_id)
    if recipient:
        query = select(Contact).where(col(Contact.email) == recipient.strip().lower())
        return ctx.session.exec(query).first()
    return None


def _count(ctx: ActionContext, contact: Contact, hard: bool, status: str | None) -> bool:
    """Update the contact; True when this bounce made it undeliverable."""
    if contact.undeliverable:
        return False
    if not hard:
        contact.soft_bounces += 1
        audit.record(
            ctx,
            "contact.soft_bounce",
            organization_id=contact.organization_id,
            contact_id=contact.id,
            count=contact.soft_bounces,
            status=status,
        )
        if contact.soft_bounces < SOFT_BOUNCE_LIMIT:
            return False
    contact.undeliverable = True
    audit.record(
        ctx,
        "contact.undeliverable",
        organization_id=contact.organization_id,
        contact_id=contact.id,
        status=status,
        hard=hard,
    )
    return True


def _move_offer_on(ctx: ActionContext, email: OutboundEmail | None) -> bool:
    if email is None or email.offer_id is None:
        return False
    offer = ctx.session.get(Offer, email.offer_id)
    if offer is None or offer.state != "open" or offer_contacts(ctx, offer.organization_id):
        return False  # closed already, or another contact of the partner still gets mail
    moved = ctx.session.exec(
        update(Offer)
        .where(col(Offer.id) == offer.id, col(Offer.state) == "open")
        .values(state="away", responded_at=ctx.now, reason="bounced")
    )
    if moved.rowcount != 1:
        return False
    audit.record(
        ctx,
        "offer.away",
        lead_id=offer.lead_id,
        offer_id=offer.id,
        organization_id=offer.organization_id,
        from_state="open",
        to_state="away",
        reason="bounced",
    )
    offer_next_ring(ctx, offer.lead_id)
    return True


def _tell_partner_managers(ctx: ActionContext, contact: Contact, status: str | None) -> None:
    org = ctx.session.get(Organization, contact.organization_id)
    managers = ctx.session.exec(
        select(Contact)
        .join(Organization, col(Organization.id) == Contact.organization_id)
        .where(
            Organization.kind == "manufacturer",
            Contact.role == "partner_manager",
            Contact.undeliverable == False,  # noqa: E712
        )
    ).all()
    for manager in managers:
        outbox.queue(
            ctx,
            "bounce_notice",
            manager,
            {
                "partner": org.name if org else "",
                "address": contact.email,
                "contact_name": contact.name,
                "status": status or "",
            },
        )
