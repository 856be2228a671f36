"""The audit log: every state change appends one Event in the same transaction."""

from __future__ import annotations

from typing import Any

from mailflow.actions.context import ActionContext
from mailflow.models import Event


def record(
    ctx: ActionContext,
    kind: str,
    *,
    lead_id: int | None = None,
    offer_id: int | None = None,
    organization_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    **data: Any,
) -> Event:
    event = Event(
        at=ctx.now,
        kind=kind,
        lead_id=lead_id,
        offer_id=offer_id,
        organization_id=organization_id,
        actor=ctx.actor,
        channel=ctx.channel,
        from_state=from_state,
        to_state=to_state,
        data={k: v for k, v in data.items() if v is not None},
    )
    ctx.session.add(event)
    from mailflow.webhooks.fanout import fan_out  # issue 7: the webhook outbox

    fan_out(ctx, event)
    return event
