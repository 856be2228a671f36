"""erase_lead: the GDPR right to erasure for one lead's customer.

Removes the personal data from the lead, its feedback notes, the raw inbound messages and
their parsed text, the outbox and the webhook outbox; keeps the audit trail pseudonymous
(who did what when, without the customer's data) so KPIs and accountability survive.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotFound
from mailflow.models import Event, Feedback, InboundEmail, Lead, OutboundEmail, WebhookDelivery
from mailflow.models.states import DeliveryState, OutboundState
from mailflow.rules.privacy import CONTACT_FIELDS

ERASED = "[erased]"
_EVENT_TEXT_KEYS = ("text", "reason", "note")


@dataclass(frozen=True)
class Erased:
    lead_id: int
    inbound: int
    outbound: int
    events: int


def erase_lead(ctx: ActionContext, lead_id: int) -> Erased:
    lead = ctx.session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    for name in CONTACT_FIELDS:
        setattr(lead, name, None)
    lead.remarks = None
    lead.requirement = ERASED
    lead.lat = lead.lon = None
    # what identifies the customer besides the contact fields: the email's domain (kept for
    # channel-conflict checks), the CRM's customer id and the enrichment record
    lead.customer_domain = lead.customer_external_id = None
    lead.company_data = {}
    for fb in ctx.session.exec(select(Feedback).where(Feedback.lead_id == lead_id)):
        fb.note, fb.reason = None, (ERASED if fb.reason else None)
    inbound = list(ctx.session.exec(select(InboundEmail).where(InboundEmail.lead_id == lead_id)))
    for row in inbound:
        row.raw, row.mail_from = None, None
        row.outcome = {k: v for k, v in row.outcome.items() if k in ("reason", "kind", "command")}
    outbound = list(ctx.session.exec(select(OutboundEmail).where(OutboundEmail.lead_id == lead_id)))
    for email in outbound:
        email.context = {"erased": True}
        if email.state == OutboundState.QUEUED:
            email.state = OutboundState.FAILED
            email.last_error = "lead erased before sending"
    _erase_webhook_payloads(ctx, lead_id)
    events = list(ctx.session.exec(select(Event).where(Event.lead_id == lead_id)))
    for event in events:
        if any(k in event.data for k in _EVENT_TEXT_KEYS):
            event.data = {
                k: (ERASED if k in _EVENT_TEXT_KEYS else v) for k, v in event.data.items()
            }
    audit.record(ctx, "lead.erased", lead_id=lead_id, inbound=len(inbound), outbound=len(outbound))
    return Erased(lead_id, len(inbound), len(outbound), len(events))


def _erase_webhook_payloads(ctx: ActionContext, lead_id: int) -> None:
    """Keep the envelope of each delivery (event id, type, time), drop the lead data; one
    not yet delivered is not delivered at all."""
    query = select(WebhookDelivery).where(WebhookDelivery.lead_id == lead_id)
    for delivery in ctx.session.exec(query):
        delivery.payload = {
            **{k: v for k, v in delivery.payload.items() if k in ("id", "type", "created_at")},
            "erased": True,
        }
        if delivery.state == DeliveryState.PENDING:
            delivery.state = DeliveryState.FAILED
            delivery.last_error = "lead erased before delivery"
