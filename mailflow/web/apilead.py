"""What the API shows of a lead to a caller: full for the manufacturer and the owner,
the teaser for a partner it was offered to (the privacy line of :mod:`mailflow.rules.privacy`).

A teaser says nothing about who won the lead or how it went: no owner, no pick time, no
note, only the caller's own offers, and every state after the pick reads ``taken``."""

from __future__ import annotations

from sqlmodel import Session, col, select

from mailflow.models import Lead, Offer, Organization
from mailflow.models.api_schemas import LeadOut, LeadOutcome, OfferOut, OrgRef
from mailflow.models.states import OfferState
from mailflow.queries import outcome, visibility
from mailflow.rules import lifecycle, privacy


def offer_out(offer: Offer, org: Organization) -> OfferOut:
    assert offer.id is not None and org.id is not None
    return OfferOut(
        id=offer.id,
        lead_id=offer.lead_id,
        organization=OrgRef(id=org.id, name=org.name),
        ring=offer.ring,
        state=offer.state,
        offered_at=offer.offered_at,
        expires_at=offer.expires_at,
        responded_at=offer.responded_at,
        reason=offer.reason,
    )


def lead_out(
    session: Session, lead: Lead, viewer: Organization, seen_by: visibility.Viewer | None = None
) -> LeadOut:
    """``seen_by``: the caller's visibility, when already computed for this request."""
    seen_by = seen_by or visibility.for_organization(session, viewer)
    full = visibility.sees_customer(seen_by, lead)
    mine = seen_by.org_ids
    body = privacy.details(lead) if full else privacy.teaser(lead)
    owner = session.get(Organization, lead.owner_id) if lead.owner_id else None
    offers = session.exec(
        select(Offer, Organization)
        .join(Organization, col(Organization.id) == Offer.organization_id)
        .where(Offer.lead_id == lead.id)
        .order_by(col(Offer.id))
    ).all()
    body.update(
        external_id=lead.external_id,
        state=lead.state,
        ring=lead.ring,
        source=lead.source,
        qualify_note=lead.qualify_note,
        created_at=lead.created_at,
        picked_at=lead.picked_at,
        owner=OrgRef(id=owner.id, name=owner.name) if owner and owner.id else None,
        offers=[
            offer_out(o, og)
            for o, og in offers
            if full or mine is None or o.organization_id in mine
        ],
    )
    ended = outcome.for_lead(session, lead) if full else None
    body["outcome"] = LeadOutcome(**ended) if ended is not None else None
    if not full:
        body.update(_teaser_progress(lead))
    return LeadOut(**body)


def _teaser_progress(lead: Lead) -> dict[str, object]:
    """What a partner that does not own the lead learns of its course: only that it is
    taken, not by whom, when, or how it went on."""
    taken = lead.state in lifecycle.OPEN_STAGES or lead.state in lifecycle.CLOSED_STAGES
    state = OfferState.TAKEN if taken else lead.state
    return {
        "state": state,
        "owner": None,
        "picked_at": None,
        "qualify_note": None,
        "outcome": None,
    }
