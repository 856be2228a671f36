"""decline: a partner passes on an offer, with a reason; when the whole ring has
answered without a pick, the lead moves on to the next ring at once."""

from __future__ import annotations

from mailflow.actions._input import checked_texts
from mailflow.actions._load import OfferScope, load_offer_scope
from mailflow.actions._offers import by_ids, close_offers, lock_lead
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import AlreadyTaken, OfferClosed
from mailflow.actions.leads.expire import refuse_past_deadline
from mailflow.actions.leads.offer import offer_next_ring
from mailflow.actions.outbound import outbox
from mailflow.i18n import N_
from mailflow.mail import messages
from mailflow.models import OfferState
from mailflow.queries.offers import others_open


def decline(ctx: ActionContext, offer_id: int, contact_id: int, reason: str | None) -> OfferScope:
    checked_texts(reason=reason)
    scope = load_offer_scope(ctx, offer_id, contact_id)
    offer, lead = scope.offer, scope.lead
    assert lead.id is not None
    lock_lead(ctx, lead.id)  # the lead before its offer: the one lock order
    if offer.state == OfferState.DECLINED:
        return scope  # a replayed click
    if offer.state == OfferState.TAKEN:
        raise AlreadyTaken()
    if offer.state != OfferState.OPEN:
        raise OfferClosed(state=offer.state)
    refuse_past_deadline(ctx, offer)
    closed = close_offers(
        ctx,
        OfferState.DECLINED,
        by_ids(offer_id),
        reason=reason,
        by=contact_id,
        event={"reason": reason},
    )
    if not closed:
        raise OfferClosed(N_("This offer was closed meanwhile."))
    others = others_open(ctx.session, offer)
    context = messages.decline_ack(ctx.rt, lead, offer, scope.contact, reason, others)
    outbox.queue(ctx, "decline_ack", scope.contact, context, lead_id=lead.id, offer_id=offer.id)
    # Nobody left in this ring: move on now rather than waiting for the SLA.
    assert lead.id is not None
    offer_next_ring(ctx, lead.id)
    return scope
