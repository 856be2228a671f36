"""Push notifications beside emails: the email stays the channel of record, the push is a
best-effort nudge to the partner's installed app.

``follow`` runs where emails are queued: for an offer or a "did you mean" email it queues
one ``send_push`` job per subscription of the recipient, after commit, carrying ids.
``deliver`` is that job: it sends, records the outcome on the subscription, removes a
subscription the push service says is gone (404/410) and raises on any other failure, so
the job queue retries it.
"""

from __future__ import annotations

import logging
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from mailflow.actions import audit, unit
from mailflow.actions.context import ActionContext
from mailflow.models import Contact, OutboundEmail, PushSubscription
from mailflow.push import keys, payload
from mailflow.push.send import Browser, PushError, send

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)


def follow(ctx: ActionContext, rows: list[dict[str, Any]], email_ids: list[int]) -> None:
    """Queue the push jobs of the emails just queued (``rows``, their ``email_ids``)."""
    pushed = {
        i: row["contact_id"]
        for row, i in zip(rows, email_ids, strict=True)
        if row["kind"] in payload.TEXTS and row["contact_id"] is not None
    }
    if not pushed:
        return
    found = ctx.session.exec(
        select(PushSubscription.id, PushSubscription.contact_id).where(
            col(PushSubscription.contact_id).in_(set(pushed.values()))
        )
    ).all()
    for email_id, contact_id in pushed.items():
        for subscription_id, owner in found:
            if owner == contact_id:
                ctx.later("send_push", subscription_id, email_id)


def deliver(rt: Runtime, subscription_id: int, email_id: int) -> None:
    """Send the notification of ``email_id`` to the subscription; :class:`PushError` when
    the push service failed in a way a retry may mend."""
    with rt.db.read() as s:
        subscription = s.get(PushSubscription, subscription_id)
        email = s.get(OutboundEmail, email_id)
    if subscription is None or email is None or email.contact_id != subscription.contact_id:
        return  # unsubscribed meanwhile, or the email was purged: nothing to nudge about
    vapid_key = keys.usable_private_key(rt.settings)
    if vapid_key is None:  # `mailflow check` warns of it; a retry would not make one
        log.warning("push %s for email %s not sent: no VAPID key", subscription_id, email_id)
        return
    message = payload.notification(email.kind, email.language, email.context, email.lead_id)
    browser = Browser(subscription.endpoint, subscription.p256dh, subscription.auth)
    try:
        send(
            browser,
            message,
            vapid_key=vapid_key,
            subject=_subject(rt),
            now=rt.clock.now(),
            allow_private=rt.settings.push_allow_private,
        )
    except PushError as exc:
        if exc.gone:
            _forget(rt, subscription_id, str(exc))
            return
        _record(rt, subscription_id, str(exc))
        log.warning("push %s for email %s failed: %s", subscription_id, email_id, exc)
        raise
    _record(rt, subscription_id, None)


def _subject(rt: Runtime) -> str:
    """Whom a push service may contact about our messages (RFC 8292 ``sub``)."""
    return f"mailto:{parseaddr(rt.settings.mail_from)[1]}"


def _record(rt: Runtime, subscription_id: int, error: str | None) -> None:
    with rt.db.transaction() as s:
        row = s.get(PushSubscription, subscription_id)
        if row is None:
            return
        now = rt.clock.now()
        if error is None:
            row.last_success_at = now
        else:
            row.last_failure_at, row.last_error = now, error[:300]
        s.add(row)


def _forget(rt: Runtime, subscription_id: int, why: str) -> None:
    """The browser dropped the subscription (uninstalled, permission taken back)."""
    with unit(rt, "system", "job") as ctx:
        row = ctx.session.get(PushSubscription, subscription_id)
        if row is None:
            return
        contact = ctx.session.get(Contact, row.contact_id)
        ctx.session.delete(row)
        audit.record(
            ctx,
            "push.gone",
            organization_id=contact.organization_id if contact else None,
            contact_id=row.contact_id,
            subscription_id=subscription_id,
            why=why,
        )
