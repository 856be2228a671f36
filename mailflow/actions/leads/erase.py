"""erase_lead: the GDPR right to erasure for one lead's customer; :func:`scrub` is the one
rule of what the customer's personal data is, which the retention's anonymisation of
closed leads uses too (:mod:`mailflow.actions.leads.retention`).

Removes the personal data from the lead, its offers' and feedback's free text, the deal
registration it came from, the raw inbound messages and their parsed text, the outbox and
the webhook outbox, and the free text of its audit events; keeps the audit trail
pseudonymous (who did what when, without the customer's data) and every figure the KPIs
read (states, times, owner, value, amounts), so KPIs and accountability survive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import col, or_, select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotFound
from mailflow.mail.labels import CLOSE_REASONS, DECLINE_REASONS
from mailflow.models import (
    DealRegistration,
    Event,
    Feedback,
    InboundEmail,
    Lead,
    Offer,
    OutboundEmail,
    WebhookDelivery,
)
from mailflow.models.states import DeliveryState, OutboundState
from mailflow.rules.privacy import CONTACT_FIELDS

ERASED = "[erased]"
# an event's values that may hold what people wrote (a note, a reason, a field's old and
# new text): the key stays, so the trail still says that something was written or changed
_EVENT_TEXT_KEYS = ("text", "reason", "note", "before", "after")
# the customer's data on a deal registration besides its contact fields
_DEAL_FIELDS = ("customer_external_id", "customer_domain", "postal_code")
_REASON_CODES = frozenset((*DECLINE_REASONS, *CLOSE_REASONS))


@dataclass(frozen=True)
class Erased:
    lead_id: int
    inbound: int
    outbound: int
    events: int


def erase_lead(ctx: ActionContext, lead_id: int) -> Erased:
    done = scrub(ctx, lead_id)
    audit.record(ctx, "lead.erased", lead_id=lead_id, inbound=done.inbound, outbound=done.outbound)
    return done


def scrub(ctx: ActionContext, lead_id: int) -> Erased:
    """Drop the personal data of ``lead_id``'s customer from every table; the caller
    records why (erasure, retention). Running it twice changes nothing more."""
    lead = ctx.session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    _scrub_lead(lead)
    for fb in ctx.session.exec(select(Feedback).where(Feedback.lead_id == lead_id)):
        fb.note, fb.reason = None, (ERASED if fb.reason else None)
    for offer in ctx.session.exec(select(Offer).where(Offer.lead_id == lead_id)):
        if offer.reason and offer.reason.strip().lower() not in _REASON_CODES:
            offer.reason = ERASED  # a person's own words; a chosen code says nothing of anyone
    deals = list(
        ctx.session.exec(select(DealRegistration).where(DealRegistration.lead_id == lead_id))
    )
    for deal in deals:
        _scrub_deal(deal)
    forwarded = [d.inbound_email_id for d in deals if d.inbound_email_id is not None]
    inbound = _scrub_inbound(ctx, lead_id, forwarded)
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
                k: (_erased(v) if k in _EVENT_TEXT_KEYS else v) for k, v in event.data.items()
            }
    return Erased(lead_id, inbound, len(outbound), len(events))


def _scrub_lead(lead: Lead) -> None:
    for name in CONTACT_FIELDS:
        setattr(lead, name, None)
    lead.remarks = None
    lead.requirement = ERASED
    lead.lat = lead.lon = None
    # what identifies the customer besides the contact fields: the email's domain (kept for
    # channel-conflict checks), the CRM's customer id and the enrichment record
    lead.customer_domain = lead.customer_external_id = None
    lead.company_data = {}
    # the kind of legal basis and its date stay as the record; where and why may name people
    lead.consent_source = lead.legitimate_interest_note = None


def _scrub_deal(deal: DealRegistration) -> None:
    for name in (*CONTACT_FIELDS, *_DEAL_FIELDS):
        if hasattr(deal, name):
            setattr(deal, name, None)
    deal.requirement = ERASED if deal.requirement else None
    deal.note = None
    deal.decision_note = ERASED if deal.decision_note else None
    deal.conflicts = [
        {k: v for k, v in c.items() if k in ("kind", "id", "match")} for c in deal.conflicts
    ]


def _scrub_inbound(ctx: ActionContext, lead_id: int, also: list[int]) -> int:
    """The lead's messages, and those its deal registration was forwarded in: the raw
    bytes, the sender and the text parsed out go; the outcome's codes stay."""
    query = select(InboundEmail).where(
        or_(col(InboundEmail.lead_id) == lead_id, col(InboundEmail.id).in_(also))
    )
    rows = list(ctx.session.exec(query))
    for row in rows:
        row.raw, row.mail_from = None, None
        row.outcome = {k: v for k, v in row.outcome.items() if k in ("reason", "kind", "command")}
    return len(rows)


def _erased(value: Any) -> Any:
    """A written value replaced; a mapping of fields keeps its field names."""
    if isinstance(value, dict):
        return {k: (None if v is None else ERASED) for k, v in value.items()}
    return None if value is None else ERASED


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
