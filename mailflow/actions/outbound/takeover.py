"""Handing back the outbox rows a worker claimed and will never send; which claiming
workers are dead, for the outbox and the inbound sweep alike.

A claim (``sending``) whose worker died stays until someone hands it back to ``queued``.
With Redis each claim names its worker, and a worker whose heartbeat expired
(:mod:`mailflow.jobs.heartbeat`, ``MAILFLOW_WORKER_HEARTBEAT_SECONDS``) is dead: its rows
go back at the next sweep. A claim without a worker (the embedded mode, a Redis that
could not be reached at the claim) or with a heartbeat nobody can read waits for its
lease, ``STALE_SENDING``: long enough for the slowest relay to answer a whole batch, since
a live worker still sending would otherwise send the same rows twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlmodel import Session, col, select

from mailflow.models import OutboundEmail
from mailflow.models.states import OutboundState

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

STALE_SENDING = timedelta(minutes=10)


def claimer(rt: Runtime) -> str | None:
    """The id a claim made now carries: this process while its heartbeat beats."""
    return rt.heartbeats.worker_id() if rt.heartbeats is not None else None


def hand_back(rt: Runtime, s: Session, now: datetime) -> None:
    """Return to ``queued`` the claims of dead workers and those past their lease."""
    sending = col(OutboundEmail.state) == OutboundState.SENDING
    dead = _dead_workers(rt, s)
    expired = col(OutboundEmail.claimed_at) < now - STALE_SENDING
    gone = expired | col(OutboundEmail.claimed_by).in_(dead) if dead else expired
    s.exec(
        update(OutboundEmail)
        .where(sending, gone)
        .values(state=OutboundState.QUEUED, claimed_by=None)
    )


def dead(rt: Runtime, workers: Iterable[str | None]) -> list[str]:
    """Those of the claims' ``workers`` whose heartbeat expired; none without heartbeats
    or while Redis cannot tell, and their claims then wait for their lease."""
    named = sorted({w for w in workers if w})
    if rt.heartbeats is None or not named:
        return []
    alive = rt.heartbeats.alive(named)
    return [] if alive is None else sorted(set(named) - alive)


def _dead_workers(rt: Runtime, s: Session) -> list[str]:
    if rt.heartbeats is None:
        return []
    workers = s.exec(
        select(OutboundEmail.claimed_by)
        .where(
            col(OutboundEmail.state) == OutboundState.SENDING,
            col(OutboundEmail.claimed_by).is_not(None),
        )
        .distinct()
    ).all()
    return dead(rt, workers)
