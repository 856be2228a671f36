"""offer_bounced: an offer email bounced. The contact is marked undeliverable; when the
partner has no deliverable contact left its offer closes and the lead moves on at once.
Inbound bounce processing calls this."""

from __future__ import annotations

from mailflow import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotFound
from mailflow.actions.expire import close_offers
from mailflow.actions.offer import offer_contacts, offer_next_ring
from mailflow.models import Contact, Lead, Offer


def offer_bounced(ctx: ActionContext, offer_id: int, contact_id: int) -> Offer:
    offer = ctx.session.get(Offer, offer_id)
    contact = ctx.session.get(Contact, contact_id)
    if offer is None or contact is None:
        raise NotFound("no such offer or contact")
    lead = ctx.session.get(Lead, offer.lead_id)
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
    if offer.state == "open" and not offer_contacts(ctx, offer.organization_id):
        close_offers(ctx, lead, [offer], "expired", reason="bounced")
        offer_next_ring(ctx, lead.id)
    return offer
