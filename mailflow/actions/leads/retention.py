"""Retention: personal data that has served its purpose is dropped; the facts stay.

* raw inbound messages, and the text parsed out of them, ``MAILFLOW_INBOUND_RETENTION_DAYS``
  after receipt once processed (:func:`mailflow.actions.inbound.sweep.purge_raw`, every minute);
* the rendering context of sent or failed outbox emails (a details email holds the
  customer's contact data) and the payload of delivered or failed webhook calls (a pick
  sends the full lead to the owner's CRM) ``MAILFLOW_OUTBOX_RETENTION_DAYS`` after they
  were written (:func:`purge`, daily).

What stays: the rows themselves with their kind, recipient, Message-ID, state and times,
so threading, bounces and the delivery history keep working.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, false, func, update
from sqlmodel import col, select

from mailflow.models import OutboundEmail, WebhookDelivery
from mailflow.models.states import DeliveryState, OutboundState

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

PURGED = {"purged": True}
BATCH = 1000


def _not_purged(column: Any) -> ColumnElement[bool]:
    """The row's JSON has no top-level ``"purged": true`` (a JSON path, not the text: a
    customer who writes "purged" in a field must not keep its data from being purged)."""
    return func.coalesce(col(column)["purged"].as_boolean(), false()).is_(false())


def purge(rt: Runtime) -> dict[str, int]:
    return {"outbox": purge_outbox(rt), "webhooks": purge_webhooks(rt)}


def purge_outbox(rt: Runtime) -> int:
    cutoff = rt.clock.now() - timedelta(days=rt.settings.outbox_retention_days)
    with rt.db.transaction() as s:
        result = s.exec(
            update(OutboundEmail)
            .where(
                col(OutboundEmail.created_at) < cutoff,
                col(OutboundEmail.state).in_((OutboundState.SENT, OutboundState.FAILED)),
                _not_purged(OutboundEmail.context),
            )
            .values(context=PURGED)
        )
        return int(result.rowcount)


def purge_webhooks(rt: Runtime) -> int:
    """Per row: the envelope (event id, type, time) of each call is kept."""
    cutoff = rt.clock.now() - timedelta(days=rt.settings.outbox_retention_days)
    done = 0
    while True:
        with rt.db.transaction() as s:
            rows = s.exec(
                select(WebhookDelivery)
                .where(
                    col(WebhookDelivery.created_at) < cutoff,
                    col(WebhookDelivery.state).in_((DeliveryState.DELIVERED, DeliveryState.FAILED)),
                    _not_purged(WebhookDelivery.payload),
                )
                .order_by(col(WebhookDelivery.id))
                .limit(BATCH)
            ).all()
            for row in rows:
                row.payload = {
                    **{k: v for k, v in row.payload.items() if k in ("id", "type", "created_at")},
                    **PURGED,
                }
        done += len(rows)
        if len(rows) < BATCH:
            return done
