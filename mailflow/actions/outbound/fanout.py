"""Turn an Event into WebhookDelivery rows, in the same transaction (the outbox).

Why here rather than a job that scans new Events later: the deliveries commit or roll
back with the state change itself, no cursor over the Event table has to be kept, and
the picking partner's CRM is called the moment the pick commits.

Who receives what: the manufacturer's webhooks every subscribed event with the full lead;
a partner's only events that concern it — offered to it, picked (the picker gets the
full lead with the customer's contact data, the other offered partners the teaser),
feedback/won/lost on its own lead, its offer expired.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from mailflow.actions.context import ActionContext
from mailflow.models import Event, Lead, Offer, Organization, Webhook, WebhookDelivery
from mailflow.rules import privacy

# Event kind → webhook event name
KINDS = {
    "lead.offered": "lead.offered",
    "lead.picked": "lead.picked",
    "feedback.recorded": "lead.feedback",
    "lead.won": "lead.won",
    "lead.lost": "lead.lost",
    "offer.expired": "offer.expired",
    "lead.unassigned": "lead.unassigned",
}
_CACHE = "_webhooks"


def fan_out(ctx: ActionContext, event_id: int, values: dict[str, Any]) -> None:
    """The deliveries of the stored event ``event_id`` (its column ``values``); most
    events concern no webhook, and for those nothing more is built."""
    name = KINDS.get(values["kind"])
    if name is None:
        return
    hooks = [h for h in _active(ctx) if name in h[0].events]
    if not hooks or values["lead_id"] is None:
        return
    event = Event(id=event_id, **values)
    lead = ctx.session.get(Lead, event.lead_id)
    assert lead is not None
    ids = []
    for hook, kind in hooks:
        full = _audience(ctx, event, hook.organization_id, kind, lead)
        if full is None:
            continue
        row = WebhookDelivery(
            webhook_id=hook.id,  # type: ignore[arg-type]
            event_id=event.id,
            kind=name,
            lead_id=lead.id,
            payload=_payload(event, name, lead, full),
            created_at=ctx.now,
        )
        ctx.session.add(row)
        ctx.session.flush()
        ids.append(row.id)
    if ids:
        ctx.later("deliver_webhooks", ids)


def _active(ctx: ActionContext) -> list[tuple[Webhook, str]]:
    """The active webhooks with their organization's kind, read once per transaction."""
    # Kept in the session, not the context: a batch of units in one transaction
    # (inbound processing) reads them once too.
    cached: list[tuple[Webhook, str]] | None = ctx.session.info.get(_CACHE)
    if cached is None:
        cached = [(hook, kind) for hook, kind in ctx.session.execute(_ACTIVE).all()]
        ctx.session.info[_CACHE] = cached
    return cached


_ACTIVE = (  # prepared once: read by every transaction that records an event
    select(Webhook, Organization.kind)
    .join(Organization, col(Organization.id) == Webhook.organization_id)
    .where(Webhook.active == True)  # noqa: E712
)


def _audience(ctx: ActionContext, event: Event, org_id: int, kind: str, lead: Lead) -> bool | None:
    """``True``: the full lead; ``False``: the teaser; ``None``: not for this organization."""
    if kind == "manufacturer":
        return True
    if event.kind == "lead.offered":
        return False if org_id in event.data.get("organizations", []) else None
    if event.kind == "lead.picked":
        if org_id == event.organization_id:
            return True
        offered = ctx.session.exec(
            select(Offer.id).where(Offer.lead_id == lead.id, Offer.organization_id == org_id)
        ).first()
        return False if offered is not None else None
    if event.kind == "offer.expired":
        return False if org_id == event.organization_id else None
    if event.kind in ("feedback.recorded", "lead.won", "lead.lost"):
        return True if org_id == lead.owner_id else None
    return None


def _payload(event: Event, name: str, lead: Lead, full: bool) -> dict[str, Any]:
    data = privacy.details(lead) if full else privacy.teaser(lead)
    data.update(state=lead.state, external_id=lead.external_id if full else None)
    extra = {k: v for k, v in event.data.items() if k in ("ring", "stage", "amount", "reason")}
    return {
        "id": f"evt_{event.id}",
        "type": name,
        "created_at": event.at.isoformat(),
        "data": {
            "lead": data,
            "organization_id": event.organization_id,
            "offer_id": event.offer_id,
            **extra,
        },
    }
