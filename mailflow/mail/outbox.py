"""The outbox: emails are rows written in the action's transaction and sent afterwards.

``queue`` is called by actions. ``dispatch`` is called by a job with row ids: it claims
each row with a conditional UPDATE (so two workers never send the same row), renders,
composes and sends it. A crash after the claim leaves the row in ``sending``; the
outbox sweep hands it back after a grace period and the re-send carries the same
Message-ID, so a receiving client shows it once.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, update
from sqlmodel import col, select

from mailflow import i18n
from mailflow.actions.context import ActionContext
from mailflow.mail.compose import AddressError, Envelope, compose
from mailflow.mail.send import DeliveryError
from mailflow.models import Contact, OutboundEmail

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
STALE_SENDING = timedelta(minutes=10)


def thread_root(lead_id: int, domain: str) -> str:
    return f"lead-{lead_id}@{domain}"


def queue(
    ctx: ActionContext,
    kind: str,
    contact: Contact,
    context: dict[str, Any],
    *,
    lead_id: int | None = None,
    offer_id: int | None = None,
) -> OutboundEmail:
    """Add one email to the outbox of the current transaction."""
    domain = ctx.settings.inbound_domain
    email = OutboundEmail(
        kind=kind,
        lead_id=lead_id,
        offer_id=offer_id,
        contact_id=contact.id,
        to_addr=contact.email,
        language=i18n.normalize(contact.language, ctx.settings.default_language),
        context={**context, "recipient_name": contact.name},
        message_id=f"{kind}.{secrets.token_hex(8)}@{domain}",
        created_at=ctx.now,
    )
    ctx.session.add(email)
    ctx.session.flush()
    assert email.id is not None
    ctx.outbox_ids.append(email.id)
    return email


def _claim(rt: Runtime, email_id: int) -> OutboundEmail | None:
    with rt.db.transaction() as s:
        claimed = s.exec(
            update(OutboundEmail)
            .where(col(OutboundEmail.id) == email_id, col(OutboundEmail.state) == "queued")
            .values(state="sending", attempts=OutboundEmail.attempts + 1, claimed_at=rt.clock.now())
        )
        if claimed.rowcount != 1:
            return None
        return s.get(OutboundEmail, email_id)


def _finish(rt: Runtime, email_id: int, state: str, error: str | None = None) -> None:
    with rt.db.transaction() as s:
        row = s.get(OutboundEmail, email_id)
        if row is None:
            return
        now = rt.clock.now()
        row.state = state
        row.last_error = error[:1000] if error else None
        if state == "sent":
            row.sent_at = now
        elif state == "queued":  # temporary failure: back off 1, 2, 4 … minutes
            row.next_attempt_at = now + timedelta(minutes=2 ** max(0, row.attempts - 1))


def build(rt: Runtime, email: OutboundEmail) -> bytes:
    ctx = dict(email.context)
    ctx["lang"] = email.language
    ctx.setdefault("brand", rt.brand())
    rendered = rt.renderer.render(email.kind, ctx)
    reply_key = ctx.get("reply_key")
    envelope = Envelope(
        sender=rt.settings.mail_from,
        to=email.to_addr,
        to_name=ctx.get("recipient_name"),
        subject=rendered.subject,
        message_id=email.message_id,
        thread_root=thread_root(email.lead_id, rt.settings.inbound_domain)
        if email.lead_id
        else None,
        reply_to=f"reply+{reply_key}@{rt.settings.inbound_domain}" if reply_key else None,
        extra_headers=(("X-Mailflow-Kind", email.kind), *_list_headers(ctx)),
    )
    return compose(envelope, rendered.text, rendered.html, now=email.created_at)


def _list_headers(ctx: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """RFC 8058 one-click opt-out for emails that carry an ``unsubscribe_url``."""
    url = ctx.get("unsubscribe_url")
    if not url:
        return ()
    return (
        ("List-Unsubscribe", f"<{url}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )


def dispatch(rt: Runtime, email_ids: list[int]) -> int:
    """Send the given outbox rows; returns how many were sent by this call."""
    sent = 0
    for email_id in email_ids:
        email = _claim(rt, email_id)
        if email is None:
            continue  # sent or being sent by someone else
        try:
            data = build(rt, email)
            rt.sender().send(bounce_address(rt, email_id), email.to_addr, data)
        except (DeliveryError, AddressError) as exc:
            permanent = isinstance(exc, AddressError) or exc.permanent
            final = permanent or email.attempts >= MAX_ATTEMPTS
            _finish(rt, email_id, "failed" if final else "queued", str(exc))
            log.warning("email %s not sent (%s): %s", email_id, "final" if final else "retry", exc)
            continue
        _finish(rt, email_id, "sent")
        sent += 1
    return sent


def bounce_address(rt: Runtime, email_id: int) -> str:
    """The envelope sender (VERP): a bounce comes back to us naming the email that failed."""
    return f"bounce+{rt.signer.bounce_key(email_id)}@{rt.settings.inbound_domain}"


def due_ids(rt: Runtime, now: datetime, limit: int = 500) -> list[int]:
    """Rows the sweep should (re)send: queued ones, and ``sending`` ones left by a crash."""
    with rt.db.transaction() as s:
        s.exec(
            update(OutboundEmail)
            .where(
                col(OutboundEmail.state) == "sending",
                col(OutboundEmail.claimed_at) < now - STALE_SENDING,
            )
            .values(state="queued")
        )
        rows = s.exec(
            select(OutboundEmail.id)
            .where(
                col(OutboundEmail.state) == "queued",
                or_(
                    col(OutboundEmail.next_attempt_at).is_(None),
                    col(OutboundEmail.next_attempt_at) <= now,
                ),
            )
            .order_by(col(OutboundEmail.id))
            .limit(limit)
        ).all()
    return [r for r in rows if r is not None]
