"""webhook: an organization registers (or removes) an endpoint for events; the
deliveries open and close an endpoint's circuit when it keeps timing out.

Registration refuses a URL that :func:`mailflow.webhooks.address.check` refuses (private,
loopback, link-local… targets; http without ``MAILFLOW_WEBHOOK_ALLOW_PRIVATE``) and more
than ``MAILFLOW_WEBHOOK_MAX_PER_ORGANIZATION`` active endpoints per organization.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import case, func, update
from sqlmodel import col, select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotFound
from mailflow.models import Webhook, WebhookDelivery
from mailflow.models.api_schemas import WebhookIn
from mailflow.models.states import DeliveryState
from mailflow.webhooks import address


def register_webhook(ctx: ActionContext, organization_id: int, data: WebhookIn) -> Webhook:
    _check_cap(ctx, organization_id)
    try:
        address.check(data.url, allow_private=ctx.settings.webhook_allow_private)
    except address.Refused as exc:
        raise InvalidInput(f"This webhook URL is refused: {exc}.") from None
    hook = Webhook(
        organization_id=organization_id,
        url=data.url,
        events=sorted(set(data.events)),
        secret="whsec_" + secrets.token_urlsafe(24),
        created_at=ctx.now,
    )
    ctx.session.add(hook)
    ctx.session.flush()
    audit.record(
        ctx, "webhook.registered", organization_id=organization_id, webhook_id=hook.id, url=hook.url
    )
    return hook


def _check_cap(ctx: ActionContext, organization_id: int) -> None:
    cap: int = ctx.settings.webhook_max_per_organization
    active = ctx.session.exec(
        select(func.count())
        .select_from(Webhook)
        .where(Webhook.organization_id == organization_id, Webhook.active == True)  # noqa: E712
    ).one()
    if active >= cap:
        raise InvalidInput(
            f"An organization may register at most {cap} webhooks; remove one first."
        )


def remove_webhook(ctx: ActionContext, organization_id: int, webhook_id: int) -> None:
    hook = ctx.session.get(Webhook, webhook_id)
    if hook is None or hook.organization_id != organization_id or not hook.active:
        raise NotFound(f"no webhook {webhook_id}")
    hook.active = False
    audit.record(ctx, "webhook.removed", organization_id=organization_id, webhook_id=webhook_id)


# -- the circuit breaker ---------------------------------------------------------------
# Closed while ``timeouts`` < the threshold; open until ``open_until``; after that one
# delivery (the probe) may go, and whoever moves ``open_until`` on is that probe.


def admit_delivery(ctx: ActionContext, webhook_id: int) -> datetime | None:
    """None: send to the endpoint now. Else the time until which its deliveries wait."""
    threshold: int = ctx.settings.webhook_breaker_timeouts
    hook = ctx.session.get(Webhook, webhook_id, populate_existing=True)
    if hook is None or hook.timeouts < threshold:
        return None
    if hook.open_until is not None and hook.open_until > ctx.now:
        return hook.open_until
    until = ctx.now + timedelta(seconds=ctx.settings.webhook_breaker_open_s)
    unchanged = (
        col(Webhook.open_until).is_(None)
        if hook.open_until is None
        else col(Webhook.open_until) == hook.open_until
    )
    probe = ctx.session.exec(
        update(Webhook).where(col(Webhook.id) == webhook_id, unchanged).values(open_until=until)
    )
    return None if probe.rowcount == 1 else until


def endpoint_answered(ctx: ActionContext, webhook_id: int) -> None:
    """An HTTP answer: the endpoint is alive; an open circuit closes, and the deliveries
    it held back are due now."""
    hook = ctx.session.get(Webhook, webhook_id, populate_existing=True)
    if hook is None or hook.timeouts == 0:
        return
    was_open = hook.timeouts >= ctx.settings.webhook_breaker_timeouts
    hook.timeouts, hook.open_until = 0, None
    if not was_open:
        return
    ctx.session.exec(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.webhook_id) == webhook_id,
            col(WebhookDelivery.state) == DeliveryState.PENDING,
            col(WebhookDelivery.next_attempt_at) > ctx.now,
        )
        .values(next_attempt_at=ctx.now)
    )
    audit.record(
        ctx, "webhook.circuit_closed", organization_id=hook.organization_id, webhook_id=hook.id
    )


def endpoint_timed_out(ctx: ActionContext, webhook_id: int) -> None:
    """No answer (timed out, refused, reset): one more consecutive timeout; at the
    threshold the circuit opens for ``MAILFLOW_WEBHOOK_BREAKER_OPEN_S``."""
    threshold: int = ctx.settings.webhook_breaker_timeouts
    until = ctx.now + timedelta(seconds=ctx.settings.webhook_breaker_open_s)
    ctx.session.exec(
        update(Webhook)
        .where(col(Webhook.id) == webhook_id)
        .values(
            timeouts=col(Webhook.timeouts) + 1,
            open_until=case(
                (col(Webhook.timeouts) + 1 >= threshold, until), else_=col(Webhook.open_until)
            ),
        )
    )
    hook = ctx.session.get(Webhook, webhook_id, populate_existing=True)
    if hook is not None and hook.timeouts == threshold:
        audit.record(
            ctx,
            "webhook.circuit_opened",
            organization_id=hook.organization_id,
            webhook_id=hook.id,
            until=until.isoformat(),
        )
