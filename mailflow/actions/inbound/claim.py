"""Who processes a stored message: a job claims it, with up to ``BATCH - 1`` other fresh
ones, by one committed conditional UPDATE, so every try counts even when the worker dies
and two workers never take the same message. On PostgreSQL every row is locked
``FOR UPDATE SKIP LOCKED`` before the UPDATE, its own message too: a job passes over the
rows another is claiming instead of waiting for them, so two jobs that each took the
other's message along cannot deadlock; a job whose message another is claiming leaves it
to that one. A claim names its worker, whose expired heartbeat lets the sweep hand it back
at once (:mod:`mailflow.actions.outbound.takeover`); a claim older than ``LEASE`` is stale
(its worker died) in any case. When the pipeline has decided, :func:`record` writes the
message's outcome."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, bindparam, func, or_, update
from sqlmodel import Session, col, select

from mailflow.actions.outbound.takeover import claimer
from mailflow.models import InboundEmail
from mailflow.models.states import InboundState

if TYPE_CHECKING:
    from mailflow.inbound.outcome import Outcome
    from mailflow.inbound.parse import Parsed
    from mailflow.inbound.parse.sender import Evidence
    from mailflow.runtime import Runtime

MAX_ATTEMPTS = 3
LEASE = timedelta(minutes=5)
BATCH = 50  # messages per processing transaction at most

_FRESH = (  # stored, not taken by a job, never tried
    col(InboundEmail.state) == InboundState.RECEIVED,
    col(InboundEmail.claimed_at).is_(None),
    col(InboundEmail.attempts) == 0,
)
_CLAIMABLE = select(InboundEmail.state, InboundEmail.claimed_at, InboundEmail.attempts).where(
    col(InboundEmail.id) == bindparam("b_id")
)
_STALE_OK = or_(
    col(InboundEmail.claimed_at).is_(None),
    col(InboundEmail.claimed_at) < bindparam("b_stale"),
)
_OWN = (
    select(InboundEmail.id)
    .where(
        col(InboundEmail.id) == bindparam("b_id"),
        col(InboundEmail.state) == InboundState.RECEIVED,
        _STALE_OK,
    )
    .with_for_update(skip_locked=True)
)
_OTHERS_FRESH = (
    select(InboundEmail.id)
    .where(*_FRESH, col(InboundEmail.id) != bindparam("b_id"))
    .order_by(col(InboundEmail.id))
    .limit(bindparam("b_limit"))
    .with_for_update(skip_locked=True)
)
_CLAIM = (
    update(InboundEmail)
    .where(
        col(InboundEmail.id).in_(bindparam("b_ids", expanding=True)),
        col(InboundEmail.state) == InboundState.RECEIVED,
        _STALE_OK,
    )
    .values(
        attempts=InboundEmail.attempts + 1,
        claimed_at=bindparam("b_now"),
        claimed_by=bindparam("b_by"),
    )
    .returning(
        col(InboundEmail.id),
        col(InboundEmail.attempts),
        col(InboundEmail.rcpt_to),
        col(InboundEmail.raw),
    )
)
_RELEASE = (
    update(InboundEmail)
    .where(
        col(InboundEmail.id) == bindparam("b_id"), col(InboundEmail.state) == InboundState.RECEIVED
    )
    .values(claimed_at=None, claimed_by=None)
)


def claimable(rt: Runtime, inbound_id: int) -> int | None:
    """Its tries so far when the message waits for processing, else None (done, or held
    by another job); a read, so the job of a message another job took writes nothing."""
    with rt.db.read() as s:
        row = s.connection().execute(_CLAIMABLE, {"b_id": inbound_id}).first()
    if row is None or row[0] != "received":
        return None
    if row[1] is not None and row[1] >= rt.clock.now() - LEASE:
        return None
    return int(row[2])


def claim(rt: Runtime, inbound_id: int, batch: int) -> list[tuple[int, int, list[str], bytes]]:
    """(id, tries, recipients, raw) of ``inbound_id`` and up to ``batch - 1`` fresh others
    that this call took; committed before it returns."""
    worker = claimer(rt)  # before the claim: the heartbeat is there first
    now = rt.clock.now()
    stale = now - LEASE
    with rt.db.transaction() as s:
        conn = s.connection()
        ids = list(conn.execute(_OWN, {"b_id": inbound_id, "b_stale": stale}).scalars())
        if not ids:
            return []  # done, or another job is claiming it right now
        if batch > 1:
            others = {"b_id": inbound_id, "b_limit": batch - 1}
            ids += conn.execute(_OTHERS_FRESH, others).scalars()
        params = {"b_ids": ids, "b_stale": stale, "b_now": now, "b_by": worker}
        rows: list[Any] = list(conn.execute(_CLAIM, params).all())
    return sorted((r[0], r[1], list(r[2] or []), r[3] or b"") for r in rows)


def release(rt: Runtime, inbound_id: int) -> None:
    """Let the job's retry (or the sweep) claim the message again at once."""
    with rt.db.transaction() as s:
        s.connection().execute(_RELEASE, {"b_id": inbound_id})


_RECORD = (
    update(InboundEmail)
    .where(col(InboundEmail.id) == bindparam("b_id"))
    .values(
        state=bindparam("b_state"),
        processed_at=bindparam("b_now"),
        lead_id=func.coalesce(bindparam("b_lead", type_=Integer), InboundEmail.lead_id),
        offer_id=func.coalesce(bindparam("b_offer", type_=Integer), InboundEmail.offer_id),
        contact_id=func.coalesce(bindparam("b_contact", type_=Integer), InboundEmail.contact_id),
        outcome=bindparam("b_outcome"),
    )
)


def record(
    session: Session,
    row_id: int,
    outcome: Outcome,
    now: datetime,
    understood: tuple[Parsed, Evidence] | None = None,
) -> None:
    """The message's final state, what was understood and the sender check's verdict."""
    summary: dict[str, Any] = {"reason": outcome.reason, **outcome.data}
    if understood is not None:
        parsed, evidence = understood
        summary.update(parsed.as_json())
        summary["from"] = parsed.from_addr
        summary["subject"] = parsed.subject
        summary["reply_text"] = parsed.reply_text[:4000]
        summary.update(evidence.facts())
    params = {
        "b_id": row_id,
        "b_state": outcome.state,
        "b_now": now,
        "b_lead": outcome.lead_id or None,
        "b_offer": outcome.offer_id or None,
        "b_contact": outcome.contact_id or None,
        "b_outcome": summary,
    }
    session.flush()
    session.connection().execute(_RECORD, params)
