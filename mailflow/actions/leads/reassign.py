"""reassign: give an owned, open lead to another partner. The new partner owns it at
once (an offer opened and picked in its name, as :func:`override.assign` does for a lead
nobody owns yet), its contacts get the details email; the lead keeps its stage."""

from __future__ import annotations

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotFound
from mailflow.actions.leads import override
from mailflow.actions.leads.offer import offer_contacts
from mailflow.i18n import N_
from mailflow.models import Lead, Offer, OfferState
from mailflow.rules import lifecycle
from mailflow.rules.lifecycle import OPEN_STAGES
from mailflow.rules.note import Note


def reassign(ctx: ActionContext, lead_id: int, organization_id: int) -> Offer:
    """A lead nobody owns yet goes through :func:`override.assign`; an owned lead in an
    open stage changes owner; a closed lead is refused."""
    lead = ctx.session.get(Lead, lead_id, with_for_update=True)
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    if lead.state in override.MOVABLE:
        return override.assign(ctx, lead_id, organization_id)
    if lead.state not in OPEN_STAGES:
        raise override.OverrideRefused(f"the lead is {lead.state}; it cannot change owner")
    if lead.owner_id == organization_id:
        raise override.OverrideRefused("the lead already belongs to this partner")
    (org,) = override._partners(ctx, [organization_id])
    previous = lead.owner_id
    offer = Offer(lead_id=lead_id, organization_id=organization_id, ring=lead.ring + 1,
                  offered_at=ctx.now, expires_at=ctx.now)  # fmt: skip
    ctx.session.add(offer)
    ctx.session.flush()
    why = Note(N_("reassigned by %(actor)s"), actor=ctx.actor)
    audit.record(ctx, "offer.opened", lead_id=lead_id, offer_id=offer.id,
                 organization_id=organization_id, to_state=OfferState.OPEN,
                 ring=offer.ring, why=why, why_note=why.as_json())  # fmt: skip
    contacts = offer_contacts(ctx, organization_id)
    offer.state = lifecycle.offer_to(offer.state, OfferState.PICKED)
    offer.responded_at = ctx.now
    offer.responded_by_id = contacts[0].id if contacts else None
    lead.owner_id, lead.owner_contact_id = org.id, offer.responded_by_id
    lead.ring, lead.updated_at = offer.ring, ctx.now
    audit.record(ctx, "offer.picked", lead_id=lead_id, offer_id=offer.id,
                 organization_id=org.id, from_state=OfferState.OPEN,
                 to_state=OfferState.PICKED)  # fmt: skip
    audit.record(ctx, "lead.reassigned", lead_id=lead_id, offer_id=offer.id,
                 organization_id=org.id, previous_owner=previous)  # fmt: skip
    override._details(ctx, lead, offer)
    return offer
