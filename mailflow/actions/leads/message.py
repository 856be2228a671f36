"""message: the manufacturer's staff answer a partner by email about a lead.

The email goes out with the partner's reply address for that offer (``Reply-To``), so
the partner's answer comes back through the inbound pipeline to the same lead; when it
answers one of the partner's messages, it is threaded to it (``In-Reply-To``)."""

from __future__ import annotations

from mailflow.actions import audit
from mailflow.actions._input import checked_texts
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotFound
from mailflow.actions.outbound import outbox
from mailflow.mail import messages
from mailflow.models import Contact, InboundEmail, Lead, Offer
from mailflow.queries.lead_pages import MESSAGE_EVENT

MAX_MESSAGE = 4000


def message_partner(
    ctx: ActionContext,
    lead_id: int,
    text: str,
    *,
    offer_id: int | None = None,
    contact_id: int | None = None,
    inbound_id: int | None = None,
) -> int:
    """Email ``text`` to a partner's contact about the lead: the sender of the inbound
    message ``inbound_id`` (answered in its thread), or ``contact_id`` through
    ``offer_id``. Returns the outbox row's id."""
    text = (text or "").strip()
    checked_texts(text=text)
    if not text:
        raise InvalidInput("the message is empty", field="text")
    if len(text) > MAX_MESSAGE:
        raise InvalidInput(f"a message has at most {MAX_MESSAGE} characters", field="text")
    in_reply_to = None
    if inbound_id is not None:
        inbound = ctx.session.get(InboundEmail, inbound_id)
        if inbound is None or inbound.lead_id != lead_id:
            raise NotFound("no such message on this lead")
        offer_id, contact_id, in_reply_to = inbound.offer_id, inbound.contact_id, inbound.message_id
    lead = ctx.session.get(Lead, lead_id)
    offer = ctx.session.get(Offer, offer_id) if offer_id is not None else None
    contact = ctx.session.get(Contact, contact_id) if contact_id is not None else None
    if lead is None or offer is None or contact is None or offer.lead_id != lead_id:
        raise NotFound("no partner to answer on this lead")
    if contact.organization_id != offer.organization_id:
        raise InvalidInput("the contact does not belong to the partner of this offer")
    sender = _staff_name(ctx)
    context = messages.staff_message(ctx.rt, lead, offer, contact, text, sender, in_reply_to)
    email_id = outbox.queue(ctx, "staff_message", contact, context, lead_id=lead_id,
                            offer_id=offer.id)  # fmt: skip
    audit.record(
        ctx,
        MESSAGE_EVENT,
        lead_id=lead_id,
        offer_id=offer.id,
        contact_id=contact.id,
        inbound_id=inbound_id,
        text=text,
    )
    return email_id


def _staff_name(ctx: ActionContext) -> str | None:
    """The console user's name (``console:<contact id>``), shown as the sender."""
    kind, _, number = ctx.actor.partition(":")
    if kind != "console" or not number.isdigit():
        return None
    person = ctx.session.get(Contact, int(number))
    return person.name if person else None
