"""record_bounce: an email to a partner contact could not be delivered.

A bounce acts only when it proves it concerns an email we sent to the address it names
(see :func:`record_bounce`); a bounce that does not is audited as ignored and changes
nothing, so a forged one cannot drop a partner.

A hard bounce marks the address undeliverable at once; soft bounces count toward a
threshold. An offer whose partner can no longer be reached moves on, and the partner
managers are told so they can fix the address.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import col, func, select

from mailflow.actions import audit
from mailflow.actions._load import partner_managers
from mailflow.actions._offers import by_ids, close_offers, lock_lead
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotFound
from mailflow.actions.leads.expire import tell_moved_on
from mailflow.actions.leads.offer import offer_contacts, offer_next_ring
from mailflow.actions.outbound import outbox
from mailflow.i18n import N_
from mailflow.mail import messages
from mailflow.models import Contact, Offer, OfferState, Organization, OutboundEmail
from mailflow.rules.note import Note

SOFT_BOUNCE_LIMIT = 3


@dataclass(frozen=True)
class BounceResult:
    contact_id: int | None
    undeliverable: bool
    offer_moved: bool
    ignored: Note | None = None  # why the bounce changed nothing


def record_bounce(
    ctx: ActionContext,
    email_ids: Collection[int],
    bounced: Collection[str],
    *,
    hard: bool,
    status: str | None = None,
) -> BounceResult:
    """A bounce of one of our emails: ``email_ids`` are the emails it proves it concerns
    (its VERP key, our Message-IDs it returns), ``bounced`` the recipients it names as
    failed. It acts only on such an email whose recipient it names; an address written
    in a bounce proves nothing alone, so anything else is recorded as ignored."""
    emails = _emails(ctx, email_ids)
    named = {_normal(a) for a in bounced} - {""}
    email = next((e for e in emails if _normal(e.to_addr) in named), None)
    contact = _contact(ctx, email) if email is not None else None
    if email is None or contact is None:
        reason = _why_ignored(emails, named)
        audit.record(
            ctx,
            "inbound.bounce_ignored",
            reason=reason,
            reason_note=reason.as_json(),
            emails=sorted(e.id for e in emails if e.id is not None) or None,
            recipients=sorted(named)[:5] or None,
            status=status,
        )
        return BounceResult(None, False, False, ignored=reason)
    newly = _count(ctx, contact, hard, status)
    moved = False
    if newly:
        moved = _move_offer_on(ctx, email)
        _tell_partner_managers(ctx, contact, status)
    return BounceResult(contact.id, contact.undeliverable, moved)


def _normal(address: str) -> str:
    return address.rpartition(";")[2].strip().strip("<>").strip().lower()


def _emails(ctx: ActionContext, email_ids: Collection[int]) -> list[OutboundEmail]:
    if not email_ids:
        return []
    query = select(OutboundEmail).where(col(OutboundEmail.id).in_(sorted(set(email_ids))[:50]))
    return list(ctx.session.exec(query.order_by(col(OutboundEmail.id).desc())))


def _why_ignored(emails: list[OutboundEmail], named: set[str]) -> Note:
    if not emails:
        return Note(N_("it proves no email of ours (no valid bounce key, none of our Message-IDs)"))
    ours = ", ".join(f"#{e.id}" for e in emails[:5])
    if not named:
        return Note(N_("it names no failed recipient for our email %(emails)s"), emails=ours)
    return Note(
        N_("the recipient it names is not the recipient of our email %(emails)s"), emails=ours
    )


def _contact(ctx: ActionContext, email: OutboundEmail) -> Contact | None:
    """The contact the bounced email went to (by the address when it names none)."""
    if email.contact_id:
        return ctx.session.get(Contact, email.contact_id)
    query = select(Contact).where(func.lower(Contact.email) == _normal(email.to_addr))
    return ctx.session.exec(query).first()


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
    if email is None or email.offer_id is None or email.contact_id is None:
        return False
    offer = ctx.session.get(Offer, email.offer_id)
    if offer is None or offer.state != OfferState.OPEN:
        return False
    offer_bounced(ctx, email.offer_id, email.contact_id)
    return offer.state != OfferState.OPEN


def _tell_partner_managers(ctx: ActionContext, contact: Contact, status: str | None) -> None:
    org = ctx.session.get(Organization, contact.organization_id)
    context = messages.bounce_notice(org.name if org else "", contact, status)
    for manager in partner_managers(ctx):
        outbox.queue(ctx, "bounce_notice", manager, context)


def offer_bounced(ctx: ActionContext, offer_id: int, contact_id: int) -> Offer:
    offer = ctx.session.get(Offer, offer_id)
    contact = ctx.session.get(Contact, contact_id)
    if offer is None or contact is None:
        raise NotFound("no such offer or contact")
    lead = lock_lead(ctx, offer.lead_id)  # the lead before its offer: the one lock order
    assert lead is not None and lead.id is not None
    if not contact.undeliverable:
        contact.undeliverable = True
        audit.record(
            ctx,
            "contact.undeliverable",
            lead_id=lead.id,
            offer_id=offer.id,
            organization_id=offer.organization_id,
            contact_id=contact.id,
        )
        ctx.session.flush()
    if offer.state == OfferState.OPEN and not offer_contacts(ctx, offer.organization_id):
        bounced = {"reason": "bounced"}
        closed = close_offers(ctx, OfferState.EXPIRED, by_ids(offer.id), event=bounced)
        tell_moved_on(ctx, lead, closed)
        offer_next_ring(ctx, lead.id)
    return offer
