"""Dramatiq actors. Thin: load, call an action or a query, done.

Messages carry ids only. Every actor says how often it retries; all of them are
idempotent (a claim by conditional UPDATE decides who does the work).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import dramatiq

from mailflow.actions import unit
from mailflow.actions.connection_alert import alert_admins
from mailflow.actions.inbound import sweep
from mailflow.actions.leads import retention
from mailflow.actions.leads.offer import offer_next_ring
from mailflow.actions.outbound import deliver, outbox, push
from mailflow.actions.partners.report import deliver_report
from mailflow.actions.partners.stats import refresh_partner_stats as refresh
from mailflow.inbound.process import job as inbound_job
from mailflow.jobs import sweeps
from mailflow.queries import reports

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
OUTBOX_BATCH = 200
WEBHOOKS_QUEUE = (
    "webhooks"  # its own worker process (Procfile): a slow endpoint never holds up email
)


def _send_emails(rt: Runtime) -> Callable[[list[int]], None]:
    def send_emails(email_ids: list[int]) -> None:
        outbox.dispatch(rt, email_ids)

    return send_emails


def _distribute(rt: Runtime) -> Callable[[int], None]:
    def distribute(lead_id: int) -> None:
        with unit(rt, "system", "job") as ctx:
            offer_next_ring(ctx, lead_id)

    return distribute


def _sweep_outbox(rt: Runtime) -> Callable[[], None]:
    def sweep_outbox() -> None:
        """Everything due, not just the first page: after a broker outage a backlog of
        thousands waits here. A row that fails again backs off, so it is not due twice."""
        seen: set[int] = set()
        while ids := [i for i in outbox.due_ids(rt, rt.clock.now()) if i not in seen]:
            seen.update(ids)
            for start in range(0, len(ids), OUTBOX_BATCH):
                outbox.dispatch(rt, ids[start : start + OUTBOX_BATCH])

    return sweep_outbox


def _process_inbound(rt: Runtime) -> Callable[[int], None]:
    def process_inbound(inbound_id: int) -> None:
        inbound_job(rt, inbound_id)  # and the fresh messages waiting with it

    return process_inbound


def _sweep_inbound(rt: Runtime) -> Callable[[], None]:
    def sweep_inbound() -> None:
        for inbound_id in dict.fromkeys(sweep.hand_back(rt) + sweep.due(rt)):
            rt.enqueue("process_inbound", inbound_id)
        sweep.purge_raw(rt)

    return sweep_inbound


def _purge_retention(rt: Runtime) -> Callable[[], None]:
    def purge_retention() -> None:

        retention.purge(rt)

    return purge_retention


def _refresh_partner_stats(rt: Runtime) -> Callable[[], None]:
    def refresh_partner_stats() -> None:

        with unit(rt, "system", "job") as ctx:
            refresh(ctx)

    return refresh_partner_stats


# -- sweeps ------------------------------------------------------------------
def _sweep(rt: Runtime, name: str) -> Callable[[], None]:

    work = getattr(sweeps, name)

    def sweep() -> None:
        work(rt)

    sweep.__name__ = name
    return sweep


def _deliver_webhooks(rt: Runtime) -> Callable[[list[int]], None]:
    def deliver_webhooks(delivery_ids: list[int]) -> None:

        deliver.dispatch(rt, delivery_ids)

    return deliver_webhooks


def _sweep_webhooks(rt: Runtime) -> Callable[[], None]:
    def sweep_webhooks() -> None:

        deliver.dispatch(rt, deliver.due_ids(rt, rt.clock.now()))

    return sweep_webhooks


def _distribute_many(rt: Runtime) -> Callable[[list[int]], None]:
    def distribute_many(lead_ids: list[int]) -> None:
        """A batch from a bulk import: one transaction per lead, so one bad lead does
        not hold back the others (a retry redoes only those still due)."""
        for lead_id in lead_ids:
            with unit(rt, "system", "job") as ctx:
                offer_next_ring(ctx, lead_id)

    return distribute_many


def _sweep_reports(rt: Runtime) -> Callable[[], None]:
    def sweep_reports() -> None:

        with rt.db.read() as s:
            due = reports.due(s, rt.clock.now())
        for contact_id, period in due:
            rt.enqueue("send_report", contact_id, period)

    return sweep_reports


def _send_report(rt: Runtime) -> Callable[[int, str], None]:
    def send_report(contact_id: int, period: str) -> None:

        with unit(rt, "system", "job") as ctx:
            deliver_report(ctx, contact_id, period)

    return send_report


def _send_push(rt: Runtime) -> Callable[[int, int], None]:
    def send_push(subscription_id: int, email_id: int) -> None:
        push.deliver(rt, subscription_id, email_id)

    return send_push


def _sweep_connections(rt: Runtime) -> Callable[[], None]:
    def sweep_connections() -> None:
        alert_admins(rt)

    return sweep_connections


# name → (factory, max_retries, time limit in ms)
ACTORS: dict[str, tuple[Callable[[Runtime], Callable[..., None]], int, int]] = {
    "send_emails": (_send_emails, 3, 300_000),
    # best effort beside the email: a push service that fails is tried three more times
    "send_push": (_send_push, 3, 60_000),
    "distribute": (_distribute, 5, 60_000),
    "sweep_outbox": (_sweep_outbox, 0, 600_000),
    # Three tries in all; after that the inbound sweep sets the message aside for review.
    "process_inbound": (_process_inbound, 2, 120_000),
    "sweep_inbound": (_sweep_inbound, 0, 600_000),
    "purge_retention": (_purge_retention, 0, 600_000),  # daily; the next day catches up
    "refresh_partner_stats": (_refresh_partner_stats, 1, 600_000),
    # a failed sweep is not retried: the next minute's sweep finds the same rows
    "sweep_offers": (lambda rt: _sweep(rt, "sweep_offers"), 0, 600_000),
    "sweep_reminders": (lambda rt: _sweep(rt, "sweep_reminders"), 0, 600_000),
    "sweep_questions": (lambda rt: _sweep(rt, "sweep_questions"), 0, 600_000),
    "sweep_away": (lambda rt: _sweep(rt, "sweep_away"), 2, 600_000),
    "queue_digest": (lambda rt: _sweep(rt, "queue_digest"), 0, 600_000),  # not twice a week
    "send_offer_digests": (lambda rt: _sweep(rt, "send_offer_digests"), 0, 600_000),
    # webhooks (their own backoff lives in the delivery rows, so no retries here)
    "deliver_webhooks": (_deliver_webhooks, 0, 300_000),
    "sweep_webhooks": (_sweep_webhooks, 0, 600_000),
    "distribute_many": (_distribute_many, 5, 600_000),
    # weekly reports
    "sweep_reports": (_sweep_reports, 0, 600_000),
    "send_report": (_send_report, 3, 120_000),
    # the admins told of a mail connection in trouble (once per trouble)
    "sweep_connections": (_sweep_connections, 0, 60_000),
}


# the webhooks' own queue (see mailflow.jobs.broker)
QUEUES = {"deliver_webhooks": WEBHOOKS_QUEUE, "sweep_webhooks": WEBHOOKS_QUEUE}


def declare(broker: dramatiq.Broker, rt: Runtime) -> dict[str, dramatiq.Actor[Any, Any]]:
    return {
        name: dramatiq.actor(  # type: ignore[call-overload]
            factory(rt),
            actor_name=name,
            queue_name=QUEUES.get(name, "default"),
            broker=broker,
            max_retries=retries,
            time_limit=time_limit,
            min_backoff=1_000,
            max_backoff=60_000,
        )
        for name, (factory, retries, time_limit) in ACTORS.items()
    }
