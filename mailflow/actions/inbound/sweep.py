"""Inbound housekeeping: re-queue messages whose processing was lost (their job, or the
worker that claimed them), purge old raw bytes."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, update
from sqlmodel import col, select

from mailflow.actions.inbound.claim import LEASE
from mailflow.actions.outbound.takeover import dead
from mailflow.models import InboundEmail
from mailflow.models.states import InboundState

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

GRACE = timedelta(minutes=1)
KEEP_STATES = (InboundState.RECEIVED, InboundState.REVIEW, InboundState.FAILED)
OUTCOME_FACTS = ("reason", "kind", "command", "auth")  # what a purged message still tells
PURGE_BATCH = 500


def hand_back(rt: Runtime) -> list[int]:
    """Release the claims of workers whose heartbeat expired, and return those messages:
    they need not wait for ``LEASE``."""
    waiting = col(InboundEmail.state) == InboundState.RECEIVED
    with rt.db.read() as s:
        workers = s.exec(
            select(InboundEmail.claimed_by)
            .where(waiting, col(InboundEmail.claimed_by).is_not(None))
            .distinct()
        ).all()
    gone = dead(rt, workers)
    if not gone:
        return []  # the usual case: no write, no write lock on SQLite
    with rt.db.transaction() as s:
        released = s.exec(
            update(InboundEmail)
            .where(waiting, col(InboundEmail.claimed_by).in_(gone))
            .values(claimed_at=None, claimed_by=None)
            .returning(col(InboundEmail.id))
        )
        return sorted(released.scalars())


def due(rt: Runtime, limit: int = 500) -> list[int]:
    """Stored but unprocessed: the job was lost (broker down) or its worker died."""
    now = rt.clock.now()
    with rt.db.read() as s:
        rows = s.exec(
            select(InboundEmail.id)
            .where(
                InboundEmail.state == InboundState.RECEIVED,
                or_(
                    and_(
                        col(InboundEmail.claimed_at).is_(None),
                        col(InboundEmail.received_at) < now - GRACE,
                    ),
                    col(InboundEmail.claimed_at) < now - LEASE,
                ),
            )
            .order_by(col(InboundEmail.id))
            .limit(limit)
        ).all()
    return [r for r in rows if r is not None]


def purge_raw(rt: Runtime) -> int:
    """Drop the raw bytes of processed messages past the retention, and the text parsed out
    of them (a reply quotes the customer as often as not); the outcome's facts stay."""
    cutoff = rt.clock.now() - timedelta(days=rt.settings.inbound_retention_days)
    done = 0
    while True:
        with rt.db.transaction() as s:
            rows = s.exec(  # not the raw bytes themselves: up to 10 MB each
                select(InboundEmail.id, InboundEmail.outcome)
                .where(
                    col(InboundEmail.received_at) < cutoff,
                    col(InboundEmail.raw).is_not(None),
                    col(InboundEmail.state).not_in(KEEP_STATES),
                )
                .order_by(col(InboundEmail.id))
                .limit(PURGE_BATCH)
            ).all()
            for row_id, outcome in rows:
                facts = {k: v for k, v in (outcome or {}).items() if k in OUTCOME_FACTS}
                s.exec(
                    update(InboundEmail)
                    .where(col(InboundEmail.id) == row_id)
                    .values(raw=None, outcome=facts)
                )
        done += len(rows)
        if len(rows) < PURGE_BATCH:
            return done
