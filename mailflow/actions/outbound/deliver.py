"""Send webhook deliveries after commit: claim by conditional UPDATE, POST the signed
JSON, record the answer; a failure waits 30 s, 1 min, 2 min, … (at most 6 h) and gives
up after ``MAX_ATTEMPTS``.

A job's deliveries go to different endpoints at once (``MAILFLOW_WEBHOOK_CONCURRENCY``),
each POST within ``MAILFLOW_WEBHOOK_TIMEOUT_S`` and all of them within
``MAILFLOW_WEBHOOK_JOB_BUDGET_S``: what is still waiting then is cut off, what was not
started stays due for the sweep. Before each POST the URL is checked again and the
connection goes to the checked address (:mod:`mailflow.webhooks.address`); an endpoint
that keeps timing out is skipped while its circuit is open (``actions.webhook``).
"""

from __future__ import annotations

import http.client
import json
import logging
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, update
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.console.webhook import admit_delivery, endpoint_answered, endpoint_timed_out
from mailflow.models import Webhook, WebhookDelivery
from mailflow.models.states import DeliveryState
from mailflow.webhooks import address
from mailflow.webhooks.client import Budget, Call
from mailflow.webhooks.signing import HEADER, sign

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=5)  # a "sending" row older than this was lost by a crash


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


@dataclass(frozen=True)
class Outcome:
    status: int | None = None  # the HTTP answer, if there was one
    error: str | None = None
    refused: bool = False  # the address check refused: no connection was made

    @property
    def answered(self) -> bool:
        return self.status is not None


def due_ids(rt: Runtime, now: datetime, limit: int = 500) -> list[int]:
    with rt.db.read() as s:
        found = s.exec(
            select(WebhookDelivery.id)
            .where(_due(now))
            .order_by(col(WebhookDelivery.id))
            .limit(limit)
        ).all()
        return [i for i in found if i is not None]


def _due(now: datetime) -> Any:
    return or_(
        and_(
            col(WebhookDelivery.state) == DeliveryState.PENDING,
            or_(
                col(WebhookDelivery.next_attempt_at).is_(None),
                col(WebhookDelivery.next_attempt_at) <= now,
            ),
        ),
        and_(
            col(WebhookDelivery.state) == DeliveryState.SENDING,
            col(WebhookDelivery.claimed_at) < now - STALE_CLAIM,
        ),
    )


def dispatch(rt: Runtime, ids: list[int]) -> None:
    """1. Group the deliveries by endpoint. 2. Send the groups at once (at most the
    concurrency setting), each group in order, so an endpoint's circuit can open between
    its deliveries. 3. When the budget is spent, cut off what still waits."""
    groups = _by_endpoint(rt, ids)
    if not groups:
        return
    budget = Budget(rt.settings.webhook_job_budget_s)
    workers = min(rt.settings.webhook_concurrency, len(groups))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="webhook") as pool:
        futures = [pool.submit(_send_group, rt, group, budget) for group in groups]
        _, late = wait(futures, timeout=budget.remaining())
        if late:
            budget.cut_off()
    for future in futures:
        if future.exception() is not None:
            log.error("webhook deliveries failed", exc_info=future.exception())


def _by_endpoint(rt: Runtime, ids: list[int]) -> list[list[int]]:
    if not ids:
        return []
    with rt.db.read() as s:
        rows = s.exec(
            select(WebhookDelivery.id, WebhookDelivery.webhook_id)
            .where(col(WebhookDelivery.id).in_(ids))
            .order_by(col(WebhookDelivery.id))
        ).all()
    groups: dict[int, list[int]] = {}
    for delivery_id, webhook_id in rows:
        if delivery_id is not None:
            groups.setdefault(webhook_id, []).append(delivery_id)
    return list(groups.values())


def _send_group(rt: Runtime, ids: list[int], budget: Budget) -> None:
    for delivery_id in ids:
        if budget.over:
            return  # still pending and due: the sweep sends it
        claimed = _claim(rt, delivery_id)
        if claimed is None:
            continue
        row, hook = claimed
        wait_until = None
        if hook.timeouts >= rt.settings.webhook_breaker_timeouts:  # open, or due a probe
            with unit(rt, "system", "job") as ctx:
                wait_until = admit_delivery(ctx, row.webhook_id)
        if wait_until is not None:
            _postpone(rt, row, wait_until)
        else:
            _record(rt, row, _send(rt, row, hook, budget))


def _claim(rt: Runtime, delivery_id: int) -> tuple[WebhookDelivery, Webhook] | None:
    now = rt.clock.now()
    with rt.db.transaction() as s:
        won = s.exec(
            update(WebhookDelivery)
            .where(col(WebhookDelivery.id) == delivery_id, _due(now))
            .values(state=DeliveryState.SENDING, claimed_at=now)
        )
        if won.rowcount != 1:
            return None
        row = s.get(WebhookDelivery, delivery_id)
        hook = s.get(Webhook, row.webhook_id) if row else None
        if row is None or hook is None:
            return None
        if not hook.active:  # removed after the event: nothing to send any more
            row.state, row.last_error = DeliveryState.FAILED, "webhook removed"
            return None
        return row, hook


def _send(rt: Runtime, row: WebhookDelivery, hook: Webhook, budget: Budget) -> Outcome:
    try:
        target, addresses = address.check(hook.url, allow_private=rt.settings.webhook_allow_private)
    except address.Refused as exc:
        return Outcome(error=f"refused: {exc}"[:1000], refused=True)
    body = json.dumps(row.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "mailflow-webhooks/1",
        HEADER: sign(hook.secret, int(rt.clock.now().timestamp()), body),
        "Mailflow-Event": row.kind,
        "Mailflow-Delivery": str(row.id),
    }
    timeout = min(rt.settings.webhook_timeout_s, max(budget.remaining(), 0.1))
    try:
        return Outcome(status=budget.run(Call(target, addresses, timeout), body, headers))
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(error=(str(exc) or type(exc).__name__)[:1000])


def _record(rt: Runtime, row: WebhookDelivery, outcome: Outcome) -> None:
    ok = outcome.status is not None and 200 <= outcome.status < 300
    error = outcome.error or (None if ok else f"HTTP {outcome.status}")
    attempts = row.attempts + 1
    with unit(rt, "system", "job") as ctx:
        if ok:
            values = {"state": DeliveryState.DELIVERED, "delivered_at": ctx.now, "last_error": None}
        elif attempts >= MAX_ATTEMPTS:
            values = {"state": DeliveryState.FAILED, "last_error": error}
        else:
            values = {
                "state": DeliveryState.PENDING,
                "next_attempt_at": ctx.now + backoff(attempts),
            }
            values["last_error"] = error
        ctx.session.exec(
            update(WebhookDelivery)
            .where(
                col(WebhookDelivery.id) == row.id,
                col(WebhookDelivery.state) == DeliveryState.SENDING,
            )
            .values(attempts=attempts, last_status=outcome.status, **values)
        )
        if outcome.answered:
            endpoint_answered(ctx, row.webhook_id)
        elif not outcome.refused:
            endpoint_timed_out(ctx, row.webhook_id)
    if not ok:
        log.warning("webhook delivery %s to hook %s failed: %s", row.id, row.webhook_id, error)


def _postpone(rt: Runtime, row: WebhookDelivery, until: datetime) -> None:
    """The endpoint's circuit is open: back to pending until it may be probed (this was
    no attempt)."""
    with rt.db.transaction() as s:
        s.exec(
            update(WebhookDelivery)
            .where(
                col(WebhookDelivery.id) == row.id,
                col(WebhookDelivery.state) == DeliveryState.SENDING,
            )
            .values(
                state=DeliveryState.PENDING,
                next_attempt_at=until,
                last_error=f"circuit open until {until.isoformat()}: the endpoint keeps timing out",
            )
        )
