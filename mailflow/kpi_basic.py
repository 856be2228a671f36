"""A simple KPI query: per organization, how many leads were offered, picked, won and
lost in a period, read from the audit log (Events). The full KPI module is `kpi.py`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from mailflow.api_schemas import KpiReport, KpiRow
from mailflow.models import Event, Organization

# what is counted → the Event kind that marks it (organization_id = the partner)
COUNTED = {
    "offered": "offer.opened",
    "picked": "lead.picked",
    "won": "lead.won",
    "lost": "lead.lost",
}


def report(
    session: Session,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    organization_id: int | None = None,
) -> KpiReport:
    """Default period: the last 30 days. ``organization_id`` limits it to one partner."""
    until = until or now
    since = since or until - timedelta(days=30)
    stmt = (
        select(Event.organization_id, Event.kind, func.count())
        .where(
            col(Event.kind).in_(COUNTED.values()),
            col(Event.at) >= since,
            col(Event.at) < until,
            col(Event.organization_id).is_not(None),
        )
        .group_by(col(Event.organization_id), col(Event.kind))
    )
    if organization_id is not None:
        stmt = stmt.where(Event.organization_id == organization_id)
    counts: dict[int, dict[str, int]] = {}
    by_kind = {kind: name for name, kind in COUNTED.items()}
    for org_id, kind, n in session.exec(stmt).all():
        assert org_id is not None
        counts.setdefault(org_id, dict.fromkeys(COUNTED, 0))[by_kind[kind]] = n
    names = dict(
        session.exec(
            select(Organization.id, Organization.name).where(col(Organization.id).in_(counts))
        ).all()
    )
    rows = [
        KpiRow(
            organization_id=org_id,
            organization=names.get(org_id, "?"),
            **c,
            pick_rate=round(c["picked"] / c["offered"], 4) if c["offered"] else None,
            conversion=round(c["won"] / c["picked"], 4) if c["picked"] else None,
        )
        for org_id, c in sorted(counts.items())
    ]
    return KpiReport(since=since, until=until, rows=rows)
