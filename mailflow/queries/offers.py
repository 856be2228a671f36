"""Small reads about a lead's offers: who else still holds it, how many it went to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from mailflow.models import Contact, Offer, OfferState, Organization


def others_open(session: Session, offer: Offer) -> int:
    """How many other partners still hold an open offer of ``offer``'s lead."""
    found = session.exec(
        select(func.count())
        .select_from(Offer)
        .where(
            Offer.lead_id == offer.lead_id,
            Offer.state == OfferState.OPEN,
            col(Offer.id) != offer.id,
        )
    ).one()
    return int(found)


def ring_sizes(session: Session, lead_ids: list[int]) -> dict[tuple[int, int], int]:
    """How many partners each ring of these leads was offered to, by (lead, ring)."""
    if not lead_ids:
        return {}
    rows = session.exec(
        select(Offer.lead_id, Offer.ring, func.count())
        .where(col(Offer.lead_id).in_(lead_ids))
        .group_by(col(Offer.lead_id), col(Offer.ring))
    ).all()
    return {(lead_id, ring): int(n) for lead_id, ring, n in rows}


def of_lead(session: Session, lead_id: int) -> list[tuple[Offer, Organization]]:
    """The lead's offers, ring by ring, each with its partner."""
    return [
        (offer, org)
        for offer, org in session.exec(
            select(Offer, Organization)
            .join(Organization, col(Organization.id) == Offer.organization_id)
            .where(Offer.lead_id == lead_id)
            .order_by(col(Offer.ring), col(Offer.id))
        ).all()
    ]


@dataclass(frozen=True)
class Recipient:
    """A partner's contact who can be written to about the lead, through its offer."""

    offer_id: int
    contact_id: int
    name: str
    email: str
    organization_id: int


def recipients(session: Session, lead_id: int) -> list[Recipient]:
    """Every contact of a partner that was offered the lead (once per contact, its
    latest offer)."""
    rows = session.exec(
        select(Offer, Contact)
        .join(Contact, col(Contact.organization_id) == Offer.organization_id)
        .where(Offer.lead_id == lead_id, Contact.undeliverable == False)  # noqa: E712
        .order_by(col(Offer.id).desc(), col(Contact.id))
    ).all()
    found: dict[int, Recipient] = {}
    for offer, contact in rows:
        assert offer.id is not None and contact.id is not None
        found.setdefault(
            contact.id,
            Recipient(offer.id, contact.id, contact.name, contact.email, offer.organization_id),
        )
    return list(found.values())
