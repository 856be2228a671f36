"""The outbox: emails are rows written in the action's transaction and sent afterwards.

``queue`` is called by actions. ``dispatch`` is called by a job with row ids: it claims
a batch of rows with one conditional UPDATE (so two workers never send the same row),
renders, composes, signs and sends each, and marks the batch sent with one UPDATE. A
crash after the claim leaves rows in ``sending``; the outbox sweep hands them back after
a grace period and the re-send carries the same Message-ID, so a receiving client shows
it once.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, or_, update
from sqlmodel import col, select

from mailflow import i18n, signed
from mailflow.actions.context import ActionContext
from mailflow.mail import kinds
from mailflow.mail.compile import TemplateError
from mailflow.mail.compose import AddressError, Envelope, compose
from mailflow.mail.send import DeliveryError
from mailflow.models import Contact, OutboundEmail, ReportSubscription

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
STALE_SENDING = timedelta(minutes=10)


def thread_root(lead_id: int, domain: str) -> str:
    return f"lead-{lead_id}@{domain}"


_INSERT = insert(OutboundEmail).returning(col(OutboundEmail.id))


def queue(
    ctx: ActionContext,
    kind: str,
    contact: Contact,
    context: dict[str, Any],
    *,
    lead_id: int | None = None,
    offer_id: int | None = None,
) -> int:
    """Add one email to the outbox of the current transaction; returns its id. One
    prepared INSERT on the transaction's connection (see :mod:`mailflow.audit`)."""
    domain = ctx.settings.inbound_domain
    values = {
        "kind": kind,
        "lead_id": lead_id,
        "offer_id": offer_id,
        "contact_id": contact.id,
        "to_addr": contact.email,
        "language": i18n.normalize(contact.language, ctx.settings.default_language),
        "context": {**context, "recipient_name": contact.name},
        "message_id": f"{kind}.{secrets.token_hex(8)}@{domain}",
        "state": "queued",
        "attempts": 0,
        "created_at": ctx.now,
    }
    email_id = ctx.execute(_INSERT, values).scalar_one()
    assert email_id is not None
    ctx.outbox.append(email_id)
    return email_id


def _claim(rt: Runtime, email_id: int) -> OutboundEmail | None:
    claimed = _claim_batch(rt, [email_id])
    return claimed[0] if claimed else None


def _claim_batch(rt: Runtime, email_ids: list[int]) -> list[OutboundEmail]:
    """Claim the still-queued rows among ``email_ids`` with one conditional UPDATE.
    RETURNING names exactly the rows this UPDATE moved, so two workers given the same
    ids never both get a row."""
    with rt.db.transaction() as s:
        claimed = s.exec(
            update(OutboundEmail)
            .where(col(OutboundEmail.id).in_(email_ids), col(OutboundEmail.state) == "queued")
            .values(state="sending", attempts=OutboundEmail.attempts + 1, claimed_at=rt.clock.now())
            .returning(col(OutboundEmail.id))
        )
        ids = [row[0] for row in claimed]
        if not ids:
            return []
        rows = s.exec(
            select(OutboundEmail)
            .where(col(OutboundEmail.id).in_(ids))
            .order_by(col(OutboundEmail.id))
        ).all()
        for row in rows:
            s.expunge(row)
        return list(rows)


def _mark_sent(rt: Runtime, email_ids: list[int]) -> None:
    if email_ids:
        with rt.db.transaction() as s:
            s.exec(
                update(OutboundEmail)
                .where(col(OutboundEmail.id).in_(email_ids), col(OutboundEmail.state) == "sending")
                .values(state="sent", sent_at=rt.clock.now(), last_error=None)
            )


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


@dataclass(frozen=True)
class Recipient:
    organization_id: int | None
    receives_reports: bool  # False once the contact opted out of the weekly report


def _recipients(rt: Runtime, rows: list[OutboundEmail]) -> dict[int, Recipient]:
    ids = {r.contact_id for r in rows if r.contact_id is not None}
    if not ids:
        return {}
    with rt.db.read() as s:
        found = s.exec(
            select(Contact.id, Contact.organization_id, ReportSubscription.opted_out)
            .outerjoin(ReportSubscription, col(ReportSubscription.contact_id) == col(Contact.id))
            .where(col(Contact.id).in_(ids))
        ).all()
    return {cid: Recipient(org, not opted_out) for cid, org, opted_out in found if cid is not None}


def build(rt: Runtime, email: OutboundEmail, recipient: Recipient | None = None) -> bytes:
    """Render, compose and (when configured) DKIM-sign one outbox row."""
    ctx = dict(email.context)
    ctx["lang"] = email.language
    brand = ctx.setdefault("brand", rt.brand(recipient.organization_id if recipient else None))
    headers: list[tuple[str, str]] = [("X-Mailflow-Kind", email.kind)]
    unsubscribe = ctx.get("unsubscribe_url")  # put in by the report action
    if not unsubscribe and email.kind in kinds.REPORT_KINDS and email.contact_id is not None:
        keys = rt.settings.secret_keys
        unsubscribe = signed.unsubscribe_url(rt.settings.base_url, keys, email.contact_id)
        ctx["unsubscribe_url"] = unsubscribe
    if unsubscribe:  # RFC 8058 one-click opt-out
        headers += [
            ("List-Unsubscribe", f"<{unsubscribe}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ]
    rendered = rt.renderer.render(email.kind, ctx)
    reply_key = ctx.get("reply_key")
    envelope = Envelope(
        sender=_sender(rt.settings.mail_from, brand.get("sender_name")),
        to=email.to_addr,
        to_name=ctx.get("recipient_name"),
        subject=rendered.subject,
        message_id=email.message_id,
        thread_root=thread_root(email.lead_id, rt.settings.inbound_domain)
        if email.lead_id
        else None,
        reply_to=f"reply+{reply_key}@{rt.settings.inbound_domain}" if reply_key else None,
        extra_headers=tuple(headers),
    )
    data = compose(envelope, rendered.text, rendered.html, now=email.created_at)
    return rt.dkim.sign(data) if rt.dkim else data


def dispatch(rt: Runtime, email_ids: list[int], batch: int = 200) -> int:
    """Send the given outbox rows; returns how many were sent by this call.

    1. claim up to ``batch`` rows with one UPDATE; 2. load their recipients once;
    3. build the emails in a helper thread while this one sends and waits for the relay;
    4. mark the sent ones with one UPDATE (failures are written one by one).
    """
    sent = 0
    for start in range(0, len(email_ids), batch):
        rows = _claim_batch(rt, email_ids[start : start + batch])
        recipients = _recipients(rt, rows)
        todo = []
        for email in rows:
            assert email.id is not None
            recipient = recipients.get(email.contact_id) if email.contact_id else None
            if _opted_out(email, recipient):
                _finish(rt, email.id, "failed", "recipient unsubscribed from reports")
            else:
                todo.append((email, recipient))
        done: list[int] = []
        try:
            _send_all(rt, todo, done)
        finally:  # even when a send raised unexpectedly, what went out is marked
            _mark_sent(rt, done)
        sent += len(done)
    return sent


def _send_all(
    rt: Runtime, todo: list[tuple[OutboundEmail, Recipient | None]], done: list[int]
) -> None:
    """Send ``todo`` in order, appending the ids the relay accepted to ``done``; a helper
    thread builds the emails ahead while this one waits for the relay's answers."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mailflow-build")
    try:
        built = [pool.submit(_build_and_yield, rt, email, r) for email, r in todo]
        for (email, _), future in zip(todo, built, strict=True):
            assert email.id is not None
            try:
                data = future.result()
            except (AddressError, TemplateError) as exc:  # retrying cannot help either
                _finish(rt, email.id, "failed", str(exc))
                log.warning("email %s not sent (final): %s", email.id, exc)
                continue
            if _send_one(rt, email, data):
                done.append(email.id)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _build_and_yield(rt: Runtime, email: OutboundEmail, recipient: Recipient | None) -> bytes:
    data = build(rt, email, recipient)
    # Give the GIL up after each email: the sending thread, woken by the relay's answer,
    # takes it now instead of after the interpreter's 5 ms switch interval.
    time.sleep(0)
    return data


def _opted_out(email: OutboundEmail, recipient: Recipient | None) -> bool:
    return (
        email.kind in kinds.REPORT_KINDS
        and recipient is not None
        and not recipient.receives_reports
    )


def _send_one(rt: Runtime, email: OutboundEmail, data: bytes) -> bool:
    assert email.id is not None
    try:
        rt.sender().send(bounce_address(rt, email.id), email.to_addr, data)
    except (DeliveryError, AddressError) as exc:
        permanent = isinstance(exc, AddressError) or exc.permanent
        final = permanent or email.attempts >= MAX_ATTEMPTS
        _finish(rt, email.id, "failed" if final else "queued", str(exc))
        log.warning("email %s not sent (%s): %s", email.id, "final" if final else "retry", exc)
        return False
    return True


def bounce_address(rt: Runtime, email_id: int) -> str:
    """The envelope sender (VERP): a bounce comes back to us naming the email that failed."""
    return f"bounce+{rt.signer.bounce_key(email_id)}@{rt.settings.inbound_domain}"


@functools.lru_cache(maxsize=256)
def _sender(mail_from: str, brand_sender_name: str | None) -> str:
    """The From of an email: the brand's sender name on the configured address."""
    name, addr = parseaddr(mail_from)
    return formataddr((brand_sender_name or name, addr))


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
