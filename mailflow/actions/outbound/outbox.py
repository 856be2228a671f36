"""The outbox: emails are rows written in the action's transaction and sent afterwards.

``queue`` is called by actions. ``dispatch`` is called by a job with row ids: it claims
a batch of rows with one conditional UPDATE (so two workers never send the same row),
renders, composes, signs and sends each, and marks the batch sent with one UPDATE. A
crash after the claim leaves rows in ``sending``; the outbox sweep hands them back once
their worker's heartbeat stopped, or after a grace period
(:mod:`mailflow.actions.outbound.takeover`), and the re-send carries the same Message-ID,
so a receiving client shows it once.
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
from sqlmodel import SQLModel, col, select

from mailflow import i18n
from mailflow.actions.connections import record_sending
from mailflow.actions.context import ActionContext
from mailflow.actions.outbound import push, takeover
from mailflow.links.claims import ProfileClaim, UnsubscribeClaim
from mailflow.links.signer import TokenInvalid
from mailflow.mail import kinds, replies
from mailflow.mail.compile import TemplateError
from mailflow.mail.compose import AddressError, Envelope, compose
from mailflow.mail.send import DeliveryError
from mailflow.models import Contact, Organization, OutboundEmail, ReportSubscription
from mailflow.models.states import OutboundState

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
# the emails the relay accepted are marked sent at least this often: SMTP gives no
# exactly-once, and a worker killed mid-batch sends at most these again, not the whole batch
MARK_EVERY = 10


def thread_root(lead_id: int, domain: str) -> str:
    return f"lead-{lead_id}@{domain}"


# ids in the order of the rows given, however the database batches them
# the table itself (Core): rows inserted by the thousand need none of the ORM's bookkeeping
_OUTBOUNDEMAIL = SQLModel.metadata.tables["outboundemail"]
_INSERT = insert(_OUTBOUNDEMAIL).returning(_OUTBOUNDEMAIL.c.id, sort_by_parameter_order=True)


def queue(
    ctx: ActionContext,
    kind: str,
    contact: Contact,
    context: dict[str, Any],
    *,
    lead_id: int | None = None,
    offer_id: int | None = None,
) -> int:
    """Add one email to the outbox of the current transaction; returns its id."""
    return queue_all(ctx, [email(ctx, kind, contact, context, lead_id=lead_id, offer_id=offer_id)])[
        0
    ]


def email(
    ctx: ActionContext,
    kind: str,
    contact: Contact,
    context: dict[str, Any],
    *,
    lead_id: int | None = None,
    offer_id: int | None = None,
) -> dict[str, Any]:
    """One outbox row's column values, for :func:`queue_all`; with the context keys
    waiting for this contact (:func:`annotate_next`) that this kind's template shows."""
    waiting = ctx.annotations.get(contact.id) if contact.id is not None else None
    if waiting:
        shown = {k: waiting.pop(k) for k in list(waiting) if k in kinds.KINDS.get(kind, ())}
        context = {**context, **shown}
    row = _row(
        ctx, kind, contact.email, contact.language, {**context, "recipient_name": contact.name}
    )
    return {**row, "contact_id": contact.id, "lead_id": lead_id, "offer_id": offer_id}


def queue_to_address(
    ctx: ActionContext, kind: str, address: str, language: str | None, context: dict[str, Any]
) -> int:
    """An email to someone who is no contact of ours (an unknown sender told why nothing
    happened): no name, the language given or the default one."""
    row = _row(ctx, kind, address, language, {**context, "recipient_name": ""})
    return queue_all(ctx, [{**row, "contact_id": None, "lead_id": None, "offer_id": None}])[0]


def _row(
    ctx: ActionContext, kind: str, address: str, language: str | None, context: dict[str, Any]
) -> dict[str, Any]:
    key = context.get("reply_key")
    return {
        "kind": kind,
        "to_addr": address,
        "language": i18n.normalize(language, ctx.settings.default_language),
        "context": context,
        "message_id": replies.message_id(ctx.settings, kind, secrets.token_hex(8), key),
        "state": OutboundState.QUEUED,
        "attempts": 0,
        "created_at": ctx.now,
    }


def queue_all(ctx: ActionContext, rows: list[dict[str, Any]]) -> list[int]:
    """Add the emails (:func:`email`) to the outbox of the current transaction with one
    INSERT statement, batched by SQLAlchemy, and no ORM objects (see
    :mod:`mailflow.actions.audit`); their ids, in order."""
    if not rows:
        return []
    ids = [i for i in ctx.session.scalars(_INSERT, rows) if i is not None]
    assert len(ids) == len(rows)
    ctx.outbox.extend(ids)
    push.follow(ctx, rows, ids)  # an offer also nudges the partner's installed app
    return ids


def annotate_next(ctx: ActionContext, contact_id: int, key: str, value: Any) -> None:
    """Give ``key`` to the next email queued in this unit to ``contact_id`` whose kind's
    template shows it (``kinds.KINDS``), in the row as it is inserted; ask
    :func:`annotation_taken` afterwards whether one took it."""
    ctx.annotations.setdefault(contact_id, {})[key] = value


def annotation_taken(ctx: ActionContext, contact_id: int, key: str) -> bool:
    """Whether an email took ``key`` since :func:`annotate_next`; it waits no longer."""
    waiting = ctx.annotations.get(contact_id, {})
    return waiting.pop(key, _TAKEN) is _TAKEN


_TAKEN = object()


def _claim(rt: Runtime, email_id: int) -> OutboundEmail | None:
    claimed = _claim_batch(rt, [email_id])
    return claimed[0] if claimed else None


def _claim_batch(rt: Runtime, email_ids: list[int]) -> list[OutboundEmail]:
    """Claim the still-queued rows among ``email_ids`` with one conditional UPDATE.
    RETURNING names exactly the rows this UPDATE moved, so two workers given the same
    ids never both get a row."""
    worker = takeover.claimer(rt)  # before the claim: the heartbeat is there first
    with rt.db.transaction() as s:
        claimed = s.exec(
            update(OutboundEmail)
            .where(
                col(OutboundEmail.id).in_(email_ids),
                col(OutboundEmail.state) == OutboundState.QUEUED,
            )
            .values(
                state=OutboundState.SENDING,
                attempts=OutboundEmail.attempts + 1,
                claimed_at=rt.clock.now(),
                claimed_by=worker,
            )
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
                .where(
                    col(OutboundEmail.id).in_(email_ids),
                    col(OutboundEmail.state) == OutboundState.SENDING,
                )
                .values(state=OutboundState.SENT, sent_at=rt.clock.now(), last_error=None)
            )


def _finish(rt: Runtime, email_id: int, state: str, error: str | None = None) -> None:
    with rt.db.transaction() as s:
        row = s.get(OutboundEmail, email_id)
        if row is None:
            return
        now = rt.clock.now()
        row.state = state
        row.last_error = error[:1000] if error else None
        if state == OutboundState.SENT:
            row.sent_at = now
        elif state == OutboundState.QUEUED:  # temporary failure: back off 1, 2, 4 … minutes
            row.next_attempt_at = now + timedelta(minutes=2 ** max(0, row.attempts - 1))


@dataclass(frozen=True)
class Recipient:
    organization_id: int | None
    receives_reports: bool  # False once the contact opted out of the weekly report
    organization_kind: str | None = None  # manufacturer|distributor|dealer|agency
    timezone: str | None = None


def _recipients(rt: Runtime, rows: list[OutboundEmail]) -> dict[int, Recipient]:
    ids = {r.contact_id for r in rows if r.contact_id is not None}
    if not ids:
        return {}
    with rt.db.read() as s:
        found = s.exec(
            select(Contact, ReportSubscription.opted_out, Organization.kind)
            .outerjoin(ReportSubscription, col(ReportSubscription.contact_id) == col(Contact.id))
            .outerjoin(Organization, col(Organization.id) == col(Contact.organization_id))
            .where(col(Contact.id).in_(ids))
        ).all()
    return {
        c.id: Recipient(c.organization_id, not opted_out, kind, c.timezone)
        for c, opted_out, kind in found
        if c.id is not None
    }


def build(rt: Runtime, email: OutboundEmail, recipient: Recipient | None = None) -> bytes:
    """Render, compose and (when configured) DKIM-sign one outbox row."""
    ctx = dict(email.context)
    ctx["lang"] = email.language
    brand = ctx.setdefault("brand", rt.brand(recipient.organization_id if recipient else None))
    # the footer's reader (partner, manufacturer staff, agency) and the reader's time zone
    ctx["audience"] = kinds.audience(email.kind, recipient.organization_kind if recipient else None)
    ctx.setdefault("tz", (recipient.timezone if recipient else None) or "UTC")
    joined = email.kind not in kinds.BEFORE_JOINING
    if ctx["audience"] == kinds.PARTNER and email.contact_id is not None and joined:
        # every partner email's footer opens the partner's profile
        profile = rt.url(ProfileClaim(email.contact_id))
        ctx["links"] = {**(ctx.get("links") or {}), "profile": profile}
    headers: list[tuple[str, str]] = [("X-Mailflow-Kind", email.kind)]
    unsubscribe = ctx.get("unsubscribe_url")  # put in by the report action
    if not unsubscribe and email.kind in kinds.REPORT_KINDS and email.contact_id is not None:
        unsubscribe = rt.url(UnsubscribeClaim(email.contact_id))
        ctx["unsubscribe_url"] = unsubscribe
    if unsubscribe:  # RFC 8058 one-click opt-out
        headers += [
            ("List-Unsubscribe", f"<{unsubscribe}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ]
    reply_key = ctx.get("reply_key")
    code = None
    if reply_key:
        code = _code(rt, reply_key) if replies.shared(rt.settings) else None
        address = replies.reply_address(rt.settings, reply_key)
        ctx["mailto"] = replies.buttons(email.language, address, list(ctx.get("links") or {}), code)
    rendered = rt.renderer.render(email.kind, ctx)
    envelope = Envelope(
        sender=_sender(rt.settings.mail_from, brand.get("sender_name")),
        to=email.to_addr,
        to_name=ctx.get("recipient_name"),
        subject=replies.with_code(rendered.subject, code),
        message_id=email.message_id,
        thread_root=thread_root(email.lead_id, rt.settings.inbound_domain)
        if email.lead_id
        else None,
        reply_to=replies.reply_address(rt.settings, reply_key) if reply_key else None,
        in_reply_to=ctx.get("in_reply_to") or None,
        extra_headers=tuple(headers),
    )
    data = compose(envelope, rendered.text, rendered.html, now=email.created_at)
    return rt.dkim.sign(data) if rt.dkim else data


def _code(rt: Runtime, reply_key: str) -> str | None:
    """The subject code of a reply key; none for a key no configured secret signed."""
    try:
        return rt.signer.reply_code(reply_key)
    except TokenInvalid:
        return None


def dispatch(rt: Runtime, email_ids: list[int], batch: int = 200) -> int:
    """Send the given outbox rows; returns how many were sent by this call.

    1. claim up to ``batch`` rows with one UPDATE; 2. load their recipients once;
    3. build the emails in a helper thread while this one sends and waits for the relay;
    4. mark the sent ones with one UPDATE per ``MARK_EVERY`` (failures one by one).
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
                _finish(rt, email.id, OutboundState.FAILED, "recipient unsubscribed from reports")
            else:
                todo.append((email, recipient))
        sent += _send_all(rt, todo)
    return sent


def _send_all(rt: Runtime, todo: list[tuple[OutboundEmail, Recipient | None]]) -> int:
    """Send ``todo`` in order and mark what the relay accepted as sent; a helper thread
    builds the emails ahead while this one waits for the relay's answers. Returns how many
    went out."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mailflow-build")
    done: list[int] = []
    marked = 0
    try:
        built = [pool.submit(_build_and_yield, rt, email, r) for email, r in todo]
        for (email, _), future in zip(todo, built, strict=True):
            assert email.id is not None
            try:
                data = future.result()
            except (AddressError, TemplateError) as exc:  # retrying cannot help either
                _finish(rt, email.id, OutboundState.FAILED, str(exc))
                log.warning("email %s not sent (final): %s", email.id, exc)
                continue
            if _send_one(rt, email, data):
                done.append(email.id)
                if len(done) - marked >= MARK_EVERY:
                    _mark_sent(rt, done[marked:])
                    marked = len(done)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _mark_sent(rt, done[marked:])  # even when a send raised unexpectedly, what went out
    return len(done)


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
        if isinstance(exc, DeliveryError) and not exc.permanent:  # the way out, not the email
            record_sending(rt, str(exc), exc.auth)
        final = permanent or email.attempts >= MAX_ATTEMPTS
        _finish(rt, email.id, OutboundState.FAILED if final else OutboundState.QUEUED, str(exc))
        log.warning("email %s not sent (%s): %s", email.id, "final" if final else "retry", exc)
        return False
    record_sending(rt)
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
    """Rows the sweep should (re)send: queued ones, and ``sending`` ones left by a crash
    (:mod:`mailflow.actions.outbound.takeover`)."""
    with rt.db.transaction() as s:
        takeover.hand_back(rt, s, now)
        rows = s.exec(
            select(OutboundEmail.id)
            .where(
                col(OutboundEmail.state) == OutboundState.QUEUED,
                or_(
                    col(OutboundEmail.next_attempt_at).is_(None),
                    col(OutboundEmail.next_attempt_at) <= now,
                ),
            )
            .order_by(col(OutboundEmail.id))
            .limit(limit)
        ).all()
    return [r for r in rows if r is not None]
