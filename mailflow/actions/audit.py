"""The audit log: every state change appends one Event in the same transaction.

Events are written with INSERT statements, not as ORM objects: an action records several,
and the unit of work's bookkeeping cost more than the rows (inbound replies are processed
by the batch). Nothing holds an Event object: the id is returned, and the
webhook outbox builds a detached copy when it wants one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlmodel import SQLModel

from mailflow.actions.bulk import insert_many
from mailflow.actions.context import ActionContext
from mailflow.actions.outbound.fanout import KINDS, fan_out  # the webhook outbox
from mailflow.models import Event

# ids in the order of the rows given, however the database batches them
# the table itself (Core): rows inserted by the thousand need none of the ORM's bookkeeping
_EVENT = SQLModel.metadata.tables["event"]
_INSERT = insert(_EVENT).returning(_EVENT.c.id, sort_by_parameter_order=True)


def record(ctx: ActionContext, kind: str, **fields: Any) -> int:
    """Record one event (the fields of :func:`event`); its id."""
    return record_all(ctx, [event(ctx, kind, **fields)])[0]


def event(
    ctx: ActionContext,
    kind: str,
    *,
    lead_id: int | None = None,
    offer_id: int | None = None,
    organization_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    **data: Any,
) -> dict[str, Any]:
    """One event's column values, for :func:`record_all`."""
    return {
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


def record_all(ctx: ActionContext, rows: list[dict[str, Any]]) -> list[int]:
    """Record the events (:func:`event`) with one INSERT, batched by SQLAlchemy (a pick
    closes every other offer of its ring); their ids, in order."""
    if not rows:
        return []
    ids = [i for i in ctx.session.scalars(_INSERT, rows) if i is not None]
    assert len(ids) == len(rows)
    for event_id, values in zip(ids, rows, strict=True):
        fan_out(ctx, event_id, values)
    return ids


def record_many(ctx: ActionContext, events: list[tuple[str, dict[str, Any]]]) -> None:
    """Many events, each ``(kind, fields)`` as :func:`record` takes them, in one bulk
    INSERT (a batch import); a kind a webhook may want goes through :func:`record`, which
    hands the stored event to the webhook outbox."""
    rows = []
    for kind, fields in events:
        if kind in KINDS:
            record(ctx, kind, **fields)
        else:
            rows.append(event(ctx, kind, **fields))
    insert_many(ctx, Event.__table__, rows)  # type: ignore[attr-defined]
