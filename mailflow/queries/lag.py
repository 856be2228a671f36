"""How long the oldest waiting work has waited: the email due longest in the outbox, the
reply stored longest without processing. Readiness compares it with a threshold: a
process whose jobs do not move is not ready, whatever its connections say."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from mailflow.models import InboundEmail, OutboundEmail
from mailflow.models.states import InboundState, OutboundState


def waiting_s(session: Session, now: datetime) -> dict[str, float]:
    """Seconds the oldest due outbox email and the oldest unprocessed reply have waited
    (0 when none waits)."""
    due = func.coalesce(OutboundEmail.next_attempt_at, OutboundEmail.created_at)
    outbox = session.exec(
        select(func.min(due)).where(col(OutboundEmail.state) == OutboundState.QUEUED, due <= now)
    ).one()
    inbound = session.exec(
        select(func.min(InboundEmail.received_at)).where(
            col(InboundEmail.state) == InboundState.RECEIVED
        )
    ).one()
    return {"outbox": _age(outbox, now), "inbound": _age(inbound, now)}


def _age(since: datetime | None, now: datetime) -> float:
    if since is None:
        return 0.0
    if since.tzinfo is None:  # SQLite hands back naive UTC
        since = since.replace(tzinfo=UTC)
    return max(0.0, round((now - since).total_seconds(), 1))
