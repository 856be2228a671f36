"""Send webhook deliveries after commit: claim by conditional UPDATE, POST the signed
JSON, record the answer; a failure waits 30 s, 1 min, 2 min, … (at most 6 h) and gives
up after ``MAX_ATTEMPTS``. A receiver must answer 2xx within ``TIMEOUT_S``."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, update
from sqlmodel import col, select

from mailflow.models import Webhook, WebhookDelivery
from mailflow.webhooks.signing import HEADER, sign

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
TIMEOUT_S = 10
STALE_CLAIM = timedelta(minutes=5)  # a "sending" row older than this was lost by a crash


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer, not a delivery


_opener = urllib.request.build_opener(_NoRedirect)


def due_ids(rt: Runtime, now: datetime, limit: int = 500) -> list[int]:
    with rt.db.read() as s:
        found = s.exec(
            select(WebhookDelivery.id)
            .where(
                or_(
                    and_(
                        col(WebhookDelivery.state) == "pending",
                        or_(
                            col(WebhookDelivery.next_attempt_at).is_(None),
                            col(WebhookDelivery.next_attempt_at) <= now,
                        ),
                    ),
                    and_(
                        col(WebhookDelivery.state) == "sending",
                        col(WebhookDelivery.claimed_at) < now - STALE_CLAIM,
                    ),
                )
            )
            .order_by(col(WebhookDelivery.id))
            .limit(limit)
        ).all()
        return [i for i in found if i is not None]


def dispatch(rt: Runtime, ids: list[int]) -> None:
    for delivery_id in ids:
        claimed = _claim(rt, delivery_id)
        if claimed is not None:
            _send(rt, *claimed)


def _claim(rt: Runtime, delivery_id: int) -> tuple[WebhookDelivery, Webhook] | None:
    now = rt.clock.now()
    with rt.db.transaction() as s:
        won = s.exec(
            update(WebhookDelivery)
            .where(
                col(WebhookDelivery.id) == delivery_id,
                or_(
                    and_(
                        col(WebhookDelivery.state) == "pending",
                        or_(
                            col(WebhookDelivery.next_attempt_at).is_(None),
                            col(WebhookDelivery.next_attempt_at) <= now,
                        ),
                    ),
                    and_(
                        col(WebhookDelivery.state) == "sending",
                        col(WebhookDelivery.claimed_at) < now - STALE_CLAIM,
                    ),
                ),
            )
            .values(state="sending", claimed_at=now)
        )
        if won.rowcount != 1:
            return None
        row = s.get(WebhookDelivery, delivery_id)
        hook = s.get(Webhook, row.webhook_id) if row else None
        if row is None or hook is None:
            return None
        if not hook.active:  # removed after the event: nothing to send any more
            row.state, row.last_error = "failed", "webhook removed"
            return None
        return row, hook


def _send(rt: Runtime, row: WebhookDelivery, hook: Webhook) -> None:
    body = json.dumps(row.payload, separators=(",", ":"), sort_keys=True).encode()
    stamp = int(rt.clock.now().timestamp())
    request = urllib.request.Request(
        hook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "mailflow-webhooks/1",
            HEADER: sign(hook.secret, stamp, body),
            "Mailflow-Event": row.kind,
            "Mailflow-Delivery": str(row.id),
        },
    )
    status, error = None, None
    try:
        with _opener.open(request, timeout=TIMEOUT_S) as answer:
            status = answer.status
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        error = str(getattr(exc, "reason", exc))[:1000]
    _record(rt, row, status, error)


def _record(rt: Runtime, row: WebhookDelivery, status: int | None, error: str | None) -> None:
    now = rt.clock.now()
    ok = status is not None and 200 <= status < 300
    attempts = row.attempts + 1
    if ok:
        values = {"state": "delivered", "delivered_at": now, "last_error": None}
    elif attempts >= MAX_ATTEMPTS:
        values = {"state": "failed", "last_error": error}
    else:
        values = {
            "state": "pending",
            "next_attempt_at": now + backoff(attempts),
            "last_error": error,
        }
    with rt.db.transaction() as s:
        s.exec(
            update(WebhookDelivery)
            .where(col(WebhookDelivery.id) == row.id, col(WebhookDelivery.state) == "sending")
            .values(attempts=attempts, last_status=status, **values)
        )
    if not ok:
        log.warning("webhook delivery %s to hook %s failed: %s", row.id, row.webhook_id, error)
