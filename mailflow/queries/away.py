"""Away periods as matching and the offer emails read them: the partners that pause
offers (for the partner pool, held against the clock at each ranking) and the contacts
whose colleague takes over now (read with each offer email's recipients).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from mailflow.models import AwayPeriod, Contact


def _during(now: datetime) -> ColumnElement[bool]:
    return and_(col(AwayPeriod.starts_at) <= now, col(AwayPeriod.ends_at) > now)


def pauses(session: Session) -> dict[int, list[tuple[datetime, datetime]]]:
    """Partner → its away periods that pause offers, every one: the partner pool holds
    them as intervals and checks them against the clock at each ranking (a new or ended
    period moves the pool's version token, so the cached pool never misses one)."""
    found: dict[int, list[tuple[datetime, datetime]]] = {}
    rows = session.exec(
        select(AwayPeriod.organization_id, AwayPeriod.starts_at, AwayPeriod.ends_at).where(
            col(AwayPeriod.stand_in_id).is_(None), col(AwayPeriod.ends_at) > AwayPeriod.starts_at
        )
    )
    for org, start, end in rows:
        found.setdefault(org, []).append((start, end))
    return found


def paused_now(session: Session, now: datetime) -> set[int]:
    """The partners pausing offers now (the weekly backlog digest leaves them out: nobody
    is chased for feedback while away)."""
    rows = session.exec(
        select(AwayPeriod.organization_id).where(
            _during(now), col(AwayPeriod.stand_in_id).is_(None)
        )
    )
    return set(rows)


def stand_ins(
    session: Session, organization_ids: Iterable[int], now: datetime
) -> dict[int, Contact]:
    """Contact away now → the colleague who gets its offers meanwhile (one who can be
    emailed; a stand-in whose address bounced leaves the offers with the contact)."""
    rows = session.exec(
        select(AwayPeriod.contact_id, Contact)
        .join(Contact, col(Contact.id) == col(AwayPeriod.stand_in_id))
        .where(
            _during(now),
            col(AwayPeriod.organization_id).in_(list(organization_ids)),
            Contact.undeliverable == False,  # noqa: E712
            col(Contact.removed_at).is_(None),
        )
        .order_by(col(AwayPeriod.id))
    )
    return {away: stand_in for away, stand_in in rows}


def coming_periods(session: Session, organization_id: int, now: datetime) -> list[AwayPeriod]:
    """The partner's away periods not over yet, soonest first (the profile page)."""
    return list(
        session.exec(
            select(AwayPeriod)
            .where(AwayPeriod.organization_id == organization_id, col(AwayPeriod.ends_at) > now)
            .order_by(col(AwayPeriod.starts_at), col(AwayPeriod.id))
        )
    )


def paused_spans(
    session: Session, organization_id: int, now: datetime
) -> list[tuple[datetime, datetime]]:
    """The partner's pauses (periods without a colleague who takes over) not over yet:
    :func:`mailflow.rules.followup.back_at` tells from them when it is back."""
    rows = session.exec(
        select(AwayPeriod.starts_at, AwayPeriod.ends_at).where(
            AwayPeriod.organization_id == organization_id,
            col(AwayPeriod.stand_in_id).is_(None),
            col(AwayPeriod.ends_at) > now,
            col(AwayPeriod.ends_at) > AwayPeriod.starts_at,
        )
    )
    return [(start, end) for start, end in rows]
