"""The audit log: every state change appends one Event in the same transaction.

Events are written with one prepared INSERT on the transaction's connection, not as ORM
objects: an action records several, and the unit of work's bookkeeping cost more than
the rows (inbound replies are processed by the batch). Nothing holds an Event object:
the id is returned, and the webhook outbox builds a detached copy when it wants one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlmodel import col

from mailflow.actions.context import ActionContext
from mailflow.models import Event

_INSERT = insert(Event).returning(col(Event.id))


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
) -> int:
    values: dict[str, Any] = {
        "at": ctx.now,
        "kind": kind,
        "lead_id": lead_id,
        "offer_id": offer_id,
        "organization_id": organization_id,
        "actor": ctx.actor,
        "channel": ctx.channel,
        "from_state": from_state,
        "to_state": to_state,
        "data": {k: v for k, v in data.items() if v is not None},
    }
    event_id = ctx.execute(_INSERT, values).scalar_one()
    assert event_id is not None
    from mailflow.webhooks.fanout import fan_out  # the webhook outbox

    fan_out(ctx, event_id, values)
    return event_id
