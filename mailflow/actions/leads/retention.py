"""Retention: personal data that has served its purpose is dropped; the facts stay.

* raw inbound messages, and the text parsed out of them, ``MAILFLOW_INBOUND_RETENTION_DAYS``
  after receipt once processed (:func:`mailflow.actions.inbound.sweep.purge_raw`, every minute);
* the rendering context of sent or failed outbox emails (a details email holds the
  customer's contact data) and the payload of delivered or failed webhook calls (a pick
  sends the full lead to the owner's CRM) ``MAILFLOW_OUTBOX_RETENTION_DAYS`` after they
  were written (:func:`purge`, daily);
* the customer's personal data of a closed lead (won, lost, withdrawn, unassigned or
  rejected) ``MAILFLOW_RETENTION_DAYS`` after it closed, by the one rule of what is personal
  data (:func:`mailflow.actions.leads.erase.scrub`), one audited transaction per batch
  (:func:`anonymise_closed`, daily);
* the browsers' push subscriptions of contacts removed from their partner
  (:func:`forget_removed_browsers`; removing a contact deletes them at once, this catches
  up on those removed before).

What stays: the rows themselves with their kind, recipient, Message-ID, state and times,
so threading, bounces and the delivery history keep working; of a lead, every figure the
KPIs read (states, times, owner, value, the amounts reported).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, false, func, update
from sqlmodel import col, select

from mailflow.actions import audit, unit
from mailflow.actions.leads.erase import scrub
from mailflow.models import Contact, Lead, OutboundEmail, PushSubscription, WebhookDelivery
from mailflow.models.states import DeliveryState, LeadState, OutboundState

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

PURGED = {"purged": True}
BATCH = 1000
LEAD_BATCH = 100  # leads anonymised in one transaction (each touches several tables)
# a lead that will not change any more: its customer's data is kept only for the retention
CLOSED = (
    LeadState.WON,
    LeadState.LOST,
    LeadState.WITHDRAWN,
    LeadState.UNASSIGNED,
    LeadState.REJECTED,
)


def _not_purged(column: Any) -> ColumnElement[bool]:
    """The row's JSON has no top-level ``"purged": true`` (a JSON path, not the text: a
    customer who writes "purged" in a field must not keep its data from being purged)."""
    return func.coalesce(col(column)["purged"].as_boolean(), false()).is_(false())


def purge(rt: Runtime) -> dict[str, int]:
    return {
        "outbox": purge_outbox(rt),
        "webhooks": purge_webhooks(rt),
        "leads": anonymise_closed(rt),
        "browsers": forget_removed_browsers(rt),
    }


def _closed_since() -> ColumnElement[Any]:
    """When a lead closed: won, lost and withdrawn say so; an unassigned or rejected lead
    last changed when it became so."""
    return func.coalesce(col(Lead.closed_at), col(Lead.updated_at))


def anonymise_closed(rt: Runtime) -> int:
    """Anonymise every lead closed longer than the retention, ``LEAD_BATCH`` a transaction,
    one ``lead.anonymised`` event each (ids and counts only); the leads anonymised. A lead
    done before, or reopened meanwhile (an unassigned lead offered again), is left."""
    cutoff = rt.clock.now() - timedelta(days=rt.settings.retention_days)
    due = (
        col(Lead.state).in_(CLOSED),
        _closed_since() < cutoff,
        col(Lead.anonymised_at).is_(None),
    )
    done = 0
    while True:
        with unit(rt, "system", "job") as ctx:
            ids = ctx.session.exec(
                select(Lead.id).where(*due).order_by(col(Lead.id)).limit(LEAD_BATCH)
            ).all()
            for lead_id in ids:
                lead = ctx.session.exec(
                    select(Lead).where(col(Lead.id) == lead_id, *due).with_for_update()
                ).first()
                if lead is None or lead.id is None:
                    continue
                erased = scrub(ctx, lead.id)
                lead.anonymised_at = ctx.now
                audit.record(
                    ctx,
                    "lead.anonymised",
                    lead_id=lead.id,
                    inbound=erased.inbound,
                    outbound=erased.outbound,
                    retention_days=rt.settings.retention_days,
                )
                done += 1
        if len(ids) < LEAD_BATCH:
            return done


def forget_removed_browsers(rt: Runtime) -> int:
    """Delete the push subscriptions of removed contacts (one event each); how many."""
    with unit(rt, "system", "job") as ctx:
        rows = ctx.session.exec(
            select(PushSubscription, Contact.organization_id)
            .join(Contact, col(Contact.id) == col(PushSubscription.contact_id))
            .where(col(Contact.removed_at).is_not(None))
            .order_by(col(PushSubscription.id))
            .limit(BATCH)
        ).all()
        for row, organization_id in rows:
            ctx.session.delete(row)
            audit.record(
                ctx,
                "push.unsubscribed",
                organization_id=organization_id,
                contact_id=row.contact_id,
                subscription_id=row.id,
                why="contact_removed",
            )
        return len(rows)


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
