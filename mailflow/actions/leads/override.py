"""override: a partner manager offers a lead to chosen partners, or assigns it to one.

Both bypass the matcher but not the rules: only partners (dealers, distributors) that are
active and reachable; a lead that is already owned, or closed, is refused.
"""

from __future__ import annotations

from sqlmodel import col, select

from mailflow.actions import audit
from mailflow.actions._offers import close_offers
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError, InvalidInput, NotFound
from mailflow.actions.leads.offer import PARTNER_KINDS, offer_contacts, open_ring
from mailflow.actions.leads.qualification import require_legal_basis
from mailflow.actions.outbound import outbox
from mailflow.i18n import N_
from mailflow.mail import messages
from mailflow.models import Lead, LeadState, Offer, OfferState, Organization
from mailflow.rules import lifecycle
from mailflow.rules.forminput import MAX_ID
from mailflow.rules.geo import haversine_km
from mailflow.rules.matching.criteria import Match
from mailflow.rules.note import Note

MOVABLE = (LeadState.NEW, LeadState.QUALIFIED, LeadState.OFFERED, LeadState.UNASSIGNED)


class OverrideRefused(ActionError):
    code = "override_refused"
    http_status = 409


def offer_to(ctx: ActionContext, lead_id: int, organization_ids: list[int]) -> list[Offer]:
    """Open a ring with exactly these partners (those already holding an open offer for
    the lead are left as they are); at most ``offer_max_partners`` of them."""
    lead = _lock(ctx, lead_id)
    orgs = _partners(ctx, organization_ids)
    open_now = set(
        ctx.session.exec(
            select(Offer.organization_id).where(
                Offer.lead_id == lead_id, Offer.state == OfferState.OPEN
            )
        )
    )
    chosen = [o for o in orgs if o.id not in open_now]
    if not chosen:
        raise OverrideRefused("every chosen partner already has an open offer for this lead")
    _qualify_for_override(ctx, lead)
    why = Note(N_("chosen by %(actor)s"), actor=ctx.actor)
    matches = [Match(o.id, _km(lead, o), why) for o in chosen]  # type: ignore[arg-type]
    audit.record(ctx, "lead.override_offer", lead_id=lead.id,
                 organizations=[m.organization_id for m in matches])  # fmt: skip
    return open_ring(ctx, lead, matches)


def assign(
    ctx: ActionContext, lead_id: int, organization_id: int, *, registered: bool = False
) -> Offer:
    """Give the lead to one partner exclusively: it becomes the owner at once, other open
    offers are withdrawn, and its contacts get the details email. ``registered``: the
    partner registered the deal itself (its own customer, whose data came from it), so a
    campaign's legal-basis requirement does not hold the lead back."""
    lead = _lock(ctx, lead_id)
    (org,) = _partners(ctx, [organization_id])
    _qualify_for_override(ctx, lead, registered=registered)
    why = "assigned to another partner"
    close_offers(ctx, OfferState.WITHDRAWN, col(Offer.lead_id) == lead_id, reason=why)
    match = Match(
        organization_id, _km(lead, org), Note(N_("assigned by %(actor)s"), actor=ctx.actor)
    )
    (offer,) = open_ring(ctx, lead, [match], notify=False)
    contacts = offer_contacts(ctx, organization_id)
    offer.state = lifecycle.offer_to(offer.state, OfferState.PICKED)
    offer.responded_at = ctx.now
    offer.responded_by_id = contacts[0].id if contacts else None
    lead.state = lifecycle.lead_to(lead.state, LeadState.PICKED)
    lead.owner_id, lead.picked_at, lead.updated_at = org.id, ctx.now, ctx.now
    lead.owner_contact_id = offer.responded_by_id
    audit.record(ctx, "lead.assigned", lead_id=lead.id, offer_id=offer.id, organization_id=org.id,
                 from_state=LeadState.OFFERED, to_state=LeadState.PICKED)  # fmt: skip
    _details(ctx, lead, offer)
    return offer


def _km(lead: Lead, org: Organization) -> float | None:
    if None in (lead.lat, lead.lon, org.lat, org.lon):
        return None
    return haversine_km(lead.lat, lead.lon, org.lat, org.lon)  # type: ignore[arg-type]


def _lock(ctx: ActionContext, lead_id: int) -> Lead:
    lead = ctx.session.exec(select(Lead).where(Lead.id == lead_id).with_for_update()).first()
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    if lead.state not in MOVABLE:
        raise OverrideRefused(f"the lead is {lead.state}; only a lead not yet owned can move")
    return lead


def _partners(ctx: ActionContext, ids: list[int]) -> list[Organization]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise OverrideRefused("choose at least one partner")
    cap = ctx.settings.offer_max_partners
    if len(wanted) > cap:
        raise InvalidInput(
            f"a manual offer names at most {cap} partners (MAILFLOW_OFFER_MAX_PARTNERS); "
            f"{len(wanted)} were chosen",
            said=N_("A manual offer names at most %(limit)s partners."),
            limit=cap,
        )
    if any(not 1 <= oid <= MAX_ID for oid in wanted):
        raise NotFound("no such organization")
    rows = ctx.session.exec(select(Organization).where(col(Organization.id).in_(wanted))).all()
    found = {o.id: o for o in rows}
    for oid in wanted:
        org = found.get(oid)
        if org is None:
            raise NotFound(f"no organization {oid}")
        if org.kind not in PARTNER_KINDS or not org.active:
            raise OverrideRefused(f"{org.name} is not an active partner")
        if not offer_contacts(ctx, oid):
            raise OverrideRefused(f"{org.name} has no contact who receives offers")
    return [found[oid] for oid in wanted]


def _qualify_for_override(ctx: ActionContext, lead: Lead, *, registered: bool = False) -> None:
    if lead.state != LeadState.NEW:
        return
    if not registered:
        require_legal_basis(ctx, lead)
    lead.state = lifecycle.lead_to(lead.state, LeadState.QUALIFIED)
    lead.qualify_note = None
    audit.record(ctx, "lead.qualified", lead_id=lead.id, from_state=LeadState.NEW,
                 to_state=LeadState.QUALIFIED, by="override")  # fmt: skip


def _details(ctx: ActionContext, lead: Lead, offer: Offer) -> None:
    assert offer.id is not None
    for contact in offer_contacts(ctx, offer.organization_id):
        context = messages.details(ctx.rt, lead, offer, contact)
        outbox.queue(ctx, "details", contact, context, lead_id=lead.id, offer_id=offer.id)
