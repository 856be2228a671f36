"""Loading the rows an offer-scoped action works on, with the ownership check."""

from __future__ import annotations

from dataclasses import dataclass

from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotAllowed, NotFound
from mailflow.models import Contact, Lead, Offer


@dataclass
class OfferScope:
    offer: Offer
    lead: Lead
    contact: Contact


def load_offer_scope(ctx: ActionContext, offer_id: int, contact_id: int) -> OfferScope:
    """The offer, its lead and the acting contact, who must belong to the offered partner."""
    offer = ctx.session.get(Offer, offer_id)
    contact = ctx.session.get(Contact, contact_id)
    if offer is None or contact is None:
        raise NotFound("no such offer")
    if contact.organization_id != offer.organization_id:
        raise NotAllowed("this offer was made to another partner")
    lead = ctx.session.get(Lead, offer.lead_id)
    if lead is None:
        raise NotFound("no such lead")
    return OfferScope(offer=offer, lead=lead, contact=contact)
