"""webhook: an organization registers (or removes) an endpoint for events."""

from __future__ import annotations

import secrets

from mailflow import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotFound
from mailflow.api_schemas import WebhookIn
from mailflow.models import Webhook


def register_webhook(ctx: ActionContext, organization_id: int, data: WebhookIn) -> Webhook:
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


def remove_webhook(ctx: ActionContext, organization_id: int, webhook_id: int) -> None:
    hook = ctx.session.get(Webhook, webhook_id)
    if hook is None or hook.organization_id != organization_id or not hook.active:
        raise NotFound(f"no webhook {webhook_id}")
    hook.active = False
    audit.record(ctx, "webhook.removed", organization_id=organization_id, webhook_id=webhook_id)
