"""A partner's browser subscribes to (or leaves) the notifications of its installed
"My leads" app. One browser is one subscription: subscribing again, even from another
contact's page on the same device, takes the row over."""

from __future__ import annotations

from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotFound
from mailflow.models import Contact, PushSubscription
from mailflow.push.send import Browser, check_endpoint, keys_valid
from mailflow.webhooks.address import Refused


def subscribe(ctx: ActionContext, contact_id: int, browser: Browser) -> int:
    """Keep ``browser`` as where ``contact_id`` gets notifications; the row's id. The page
    sends its subscription again on every visit (a browser may have renewed it meanwhile):
    one that is known as it is changes nothing and records nothing."""
    contact = _contact(ctx, contact_id)
    try:
        check_endpoint(browser.endpoint, allow_private=ctx.settings.push_allow_private)
    except Refused as exc:
        raise InvalidInput(f"endpoint: {exc}") from exc
    if not keys_valid(browser):
        raise InvalidInput("keys: not a P-256 public key and a 16-byte secret")
    row = ctx.session.exec(
        select(PushSubscription).where(PushSubscription.endpoint == browser.endpoint)
    ).first()
    wanted = (contact_id, browser.p256dh, browser.auth)
    if row is not None and row.id is not None and (row.contact_id, row.p256dh, row.auth) == wanted:
        return row.id
    row = row or PushSubscription(
        endpoint=browser.endpoint, contact_id=contact_id, p256dh="", auth="", created_at=ctx.now
    )
    row.contact_id, row.p256dh, row.auth = contact_id, browser.p256dh, browser.auth
    row.last_error = None
    ctx.session.add(row)
    ctx.session.flush()
    assert row.id is not None
    audit.record(
        ctx,
        "push.subscribed",
        organization_id=contact.organization_id,
        contact_id=contact_id,
        subscription_id=row.id,
    )
    return row.id


def unsubscribe(ctx: ActionContext, contact_id: int, endpoint: str) -> bool:
    """Forget the contact's subscription at ``endpoint``; False when there was none."""
    contact = _contact(ctx, contact_id)
    row = ctx.session.exec(
        select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.contact_id == contact_id
        )
    ).first()
    if row is None:
        return False
    ctx.session.delete(row)
    audit.record(
        ctx,
        "push.unsubscribed",
        organization_id=contact.organization_id,
        contact_id=contact_id,
        subscription_id=row.id,
    )
    return True


def _contact(ctx: ActionContext, contact_id: int) -> Contact:
    contact = ctx.session.get(Contact, contact_id)
    if contact is None:
        raise NotFound("no such contact")
    return contact
