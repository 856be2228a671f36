"""Processing one stored message, as a job, in a fixed order:

claim → parse → dedupe → our own mail (loop) → bounce → auto-reply → route → verify sender
→ interpret → act through the same actions as the dialogs → confirm by email.

The action, the confirmation email and the message's final state commit in one
transaction, so a message is applied at most once even when it is processed twice.
A message that keeps failing is set aside after ``MAX_ATTEMPTS`` for the review queue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, update
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.context import ActionContext
from mailflow.inbound.parse import Parsed, parse_message
from mailflow.models import InboundEmail, OutboundEmail
from mailflow.tokens import TokenExpired, TokenInvalid

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
LEASE = timedelta(minutes=5)


@dataclass
class Outcome:
    state: str  # applied | refused | review | duplicate | ignored | bounce | auto_reply
    reason: str
    data: dict[str, Any] = field(default_factory=dict)
    offer_id: int | None = None
    contact_id: int | None = None
    lead_id: int | None = None


def process(rt: Runtime, inbound_id: int) -> Outcome | None:
    """Run the pipeline for one message; None when someone else holds it or it is done."""
    raw = _claim(rt, inbound_id)
    if raw is None:
        return None
    row_id, data, rcpt_to, attempts = raw
    if attempts > MAX_ATTEMPTS:  # earlier tries died with their worker
        return _finish_alone(rt, row_id, Outcome("failed", f"set aside after {MAX_ATTEMPTS} tries"))
    try:
        return _run(rt, row_id, data, rcpt_to)
    except Exception as exc:
        if attempts >= MAX_ATTEMPTS:
            log.exception("inbound #%s failed %s times; set aside for review", row_id, attempts)
            reason = f"set aside after {MAX_ATTEMPTS} tries ({type(exc).__name__})"
            return _finish_alone(rt, row_id, Outcome("failed", reason))
        _release(rt, row_id)  # the job's retry may claim it again at once
        raise


def _run(rt: Runtime, row_id: int, data: bytes, rcpt_to: list[str]) -> Outcome:
    parsed = parse_message(data, rcpt_to, today=rt.clock.now().date())
    from mailflow.inbound import handle

    with unit(rt, "inbound", "email") as ctx:
        outcome = _dedupe(ctx, row_id) or _loop(ctx, parsed) or handle.dispatch(ctx, parsed)
        _finish(ctx, row_id, outcome, parsed)
    return outcome


def _release(rt: Runtime, row_id: int) -> None:
    with rt.db.transaction() as s:
        s.exec(
            update(InboundEmail)
            .where(col(InboundEmail.id) == row_id, col(InboundEmail.state) == "received")
            .values(claimed_at=None)
        )


def _claim(rt: Runtime, inbound_id: int) -> tuple[int, bytes, list[str], int] | None:
    now = rt.clock.now()
    with rt.db.transaction() as s:
        claimed = s.exec(
            update(InboundEmail)
            .where(
                col(InboundEmail.id) == inbound_id,
                col(InboundEmail.state) == "received",
                or_(
                    col(InboundEmail.claimed_at).is_(None),
                    col(InboundEmail.claimed_at) < now - LEASE,
                ),
            )
            .values(attempts=InboundEmail.attempts + 1, claimed_at=now)
        )
        if claimed.rowcount != 1:
            return None
        row = s.get(InboundEmail, inbound_id)
        assert row is not None
        return inbound_id, row.raw or b"", list(row.rcpt_to), row.attempts


def _dedupe(ctx: ActionContext, row_id: int) -> Outcome | None:
    """The first stored copy of a message wins; later copies (retries, 3× delivery) are dropped."""
    row = ctx.session.get(InboundEmail, row_id)
    assert row is not None
    key_col = col(InboundEmail.message_id) if row.message_id else col(InboundEmail.sha256)
    key = row.message_id or row.sha256
    first = ctx.session.exec(
        select(InboundEmail.id).where(key_col == key).order_by(col(InboundEmail.id))
    ).first()
    if first is not None and first != row_id:
        return Outcome("duplicate", f"same message as #{first}", {"first": first})
    return None


def _loop(ctx: ActionContext, parsed: Parsed) -> Outcome | None:
    """Our own email came back (a forwarding loop, an autoresponder echo): never act on it."""
    if parsed.ours:
        return Outcome("ignored", "our own email came back")
    if parsed.message_id:
        query = select(OutboundEmail.id).where(OutboundEmail.message_id == parsed.message_id)
        if ctx.session.exec(query).first() is not None:
            return Outcome("ignored", "our own email came back")
    return None


def _record(row: InboundEmail, outcome: Outcome, parsed: Parsed | None, now: datetime) -> None:
    row.state, row.processed_at = outcome.state, now
    row.lead_id = outcome.lead_id or row.lead_id
    row.offer_id = outcome.offer_id or row.offer_id
    row.contact_id = outcome.contact_id or row.contact_id
    summary: dict[str, Any] = {"reason": outcome.reason, **outcome.data}
    if parsed is not None:
        summary.update(parsed.as_json())
        summary["from"] = parsed.from_addr
        summary["subject"] = parsed.subject
        summary["reply_text"] = parsed.reply_text[:4000]
    row.outcome = summary


def _finish(ctx: ActionContext, row_id: int, outcome: Outcome, parsed: Parsed) -> None:
    row = ctx.session.get(InboundEmail, row_id)
    assert row is not None
    _record(row, outcome, parsed, ctx.now)


def _finish_alone(
    rt: Runtime, row_id: int, outcome: Outcome, parsed: Parsed | None = None
) -> Outcome:
    with rt.db.transaction() as s:
        row = s.get(InboundEmail, row_id)
        assert row is not None
        _record(row, outcome, parsed, rt.clock.now())
    return outcome


def route(ctx: ActionContext, parsed: Parsed) -> tuple[int, int] | Outcome:
    """(offer, contact) from the reply key, else from the thread; else an Outcome for review."""
    if parsed.reply_key:
        try:
            return ctx.rt.read_reply_key(parsed.reply_key)
        except TokenExpired:
            return Outcome("refused", "the email answered is too old", {"expired": True})
        except TokenInvalid:
            return Outcome("review", "forged or damaged reply address")
    if parsed.thread_ids:
        found = ctx.session.exec(
            select(OutboundEmail)
            .where(
                col(OutboundEmail.message_id).in_(parsed.thread_ids),
                col(OutboundEmail.offer_id).is_not(None),
            )
            .order_by(col(OutboundEmail.id).desc())
        ).first()
        if found is not None and found.offer_id and found.contact_id:
            return found.offer_id, found.contact_id
    return Outcome("review", "no reply address and not a reply to one of our emails")
