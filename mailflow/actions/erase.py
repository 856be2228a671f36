"""erase_lead: the GDPR right to erasure for one lead's customer.

Removes the personal data from the lead, its feedback notes, the raw inbound messages and
their parsed text, and the outbox; keeps the audit trail pseudonymous (who did what when,
without the customer's data) so KPIs and accountability survive.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from mailflow import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotFound
from mailflow.leadview import CONTACT_FIELDS
from mailflow.models import Event, Feedback, InboundEmail, Lead, OutboundEmail

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
    for fb in ctx.session.exec(select(Feedback).where(Feedback.lead_id == lead_id)):
        fb.note, fb.reason = None, (ERASED if fb.reason else None)
    inbound = list(ctx.session.exec(select(InboundEmail).where(InboundEmail.lead_id == lead_id)))
    for row in inbound:
        row.raw, row.mail_from = None, None
        row.outcome = {k: v for k, v in row.outcome.items() if k in ("reason", "kind", "command")}
    outbound = list(ctx.session.exec(select(OutboundEmail).where(OutboundEmail.lead_id == lead_id)))
    for email in outbound:
        email.context = {"erased": True}
        if email.state == "queued":
            email.state = "failed"
            email.last_error = "lead erased before sending"
    events = list(ctx.session.exec(select(Event).where(Event.lead_id == lead_id)))
    for event in events:
        if any(k in event.data for k in _EVENT_TEXT_KEYS):
            event.data = {
                k: (ERASED if k in _EVENT_TEXT_KEYS else v) for k, v in event.data.items()
            }
    audit.record(ctx, "lead.erased", lead_id=lead_id, inbound=len(inbound), outbound=len(outbound))
    return Erased(lead_id, len(inbound), len(outbound), len(events))
