"""Read-side helpers for the dialog pages: what one signed link shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from mailflow import i18n
from mailflow.links.claims import LinkClaim
from mailflow.models import Contact, Lead, Offer, Organization
from mailflow.models.states import OfferState
from mailflow.queries.offers import ring_sizes
from mailflow.rules import privacy
from mailflow.rules.lifecycle import CLOSED_STAGES, OPEN_STAGES, STAGES
from mailflow.runtime import Runtime


@dataclass
class LinkView:
    claim: LinkClaim
    offer: Offer
    lead: Lead
    contact: Contact
    organization: Organization
    lang: str

    @property
    def is_owner(self) -> bool:
        return (
            self.lead.owner_id == self.offer.organization_id
            and self.offer.state == OfferState.PICKED
        )

    @property
    def data(self) -> dict[str, Any]:
        """Contact data only for the owner; everybody else sees the teaser."""
        return privacy.details(self.lead) if self.is_owner else privacy.teaser(self.lead)

    @property
    def next_stages(self) -> list[str]:
        if self.lead.state not in OPEN_STAGES:
            return []
        start = OPEN_STAGES.index(self.lead.state)
        return [s for s in STAGES if s in CLOSED_STAGES or STAGES.index(s) >= start]


def load_view(session: Session, claim: LinkClaim) -> LinkView | None:
    offer = session.get(Offer, claim.offer_id)
    contact = session.get(Contact, claim.contact_id)
    if offer is None or contact is None or contact.organization_id != offer.organization_id:
        return None
    lead = session.get(Lead, offer.lead_id)
    org = session.get(Organization, offer.organization_id)
    if lead is None or org is None:
        return None
    return LinkView(claim, offer, lead, contact, org, i18n.normalize(contact.language))


def portal_rows(session: Session, rt: Runtime, contact: Contact) -> dict[str, list[dict[str, Any]]]:
    """The contact's own page: open offers to pick, picked leads needing feedback, history."""
    assert contact.id is not None
    offers = session.exec(
        select(Offer, Lead)
        .join(Lead, col(Lead.id) == Offer.lead_id)
        .where(Offer.organization_id == contact.organization_id)
        .order_by(col(Offer.offered_at).desc())
        .limit(200)
    ).all()
    open_rows, active, history = [], [], []
    sizes = ring_sizes(session, [o.lead_id for o, _ in offers if o.state == OfferState.OPEN])
    for offer, lead in offers:
        assert offer.id is not None
        row = {"offer": offer, "lead": privacy.teaser(lead), "state": lead.state}
        if offer.state == OfferState.OPEN:
            row["offered_to"] = sizes.get((offer.lead_id, offer.ring), 1)
            row["pick"] = rt.link(offer.id, contact.id, "pick")
            row["decline"] = rt.link(offer.id, contact.id, "decline")
            open_rows.append(row)
        elif offer.state == OfferState.PICKED and lead.state in OPEN_STAGES:
            row["lead"] = privacy.details(lead)
            row["feedback"] = rt.link(offer.id, contact.id, "feedback")
            row["next"] = _next_stages(lead.state)
            active.append(row)
        else:
            history.append(row)
    return {"open_offers": open_rows, "active": active, "history": history}


def _next_stages(state: str) -> list[str]:
    """The one-click status buttons: the stages after ``state``, then won and lost."""
    start = OPEN_STAGES.index(state)
    return [s for s in STAGES if s in CLOSED_STAGES or STAGES.index(s) >= start]
