"""stats: refresh the per-partner performance figures the matcher reads (180 days).

A derived table, rebuilt in one transaction by a periodic job, so that ranking a lead
reads one row per candidate instead of aggregating offer history per lead.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy import case, delete, func, select, text

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.models import Lead, Offer, PartnerStats
from mailflow.models.states import LeadState, OfferState

WINDOW = timedelta(days=180)
RECENT = timedelta(days=30)
REPORT_GRACE = timedelta(days=14)
OF: Any = Offer.__table__.c  # type: ignore[attr-defined]
LE: Any = Lead.__table__.c  # type: ignore[attr-defined]


def refresh_partner_stats(ctx: ActionContext) -> int:
    """Rebuild PartnerStats; returns the number of partners with figures. Two runs at once
    queue behind one lock (PostgreSQL; SQLite serializes write transactions anyway)."""
    since, s = ctx.now - WINDOW, ctx.session
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(8180001)"))
    rows: dict[int, dict[str, Any]] = defaultdict(dict)
    offers = (
        select(
            OF.organization_id,
            func.count(),
            func.sum(case((OF.state == OfferState.PICKED, 1), else_=0)),
            func.sum(case((OF.offered_at >= ctx.now - RECENT, 1), else_=0)),
        )
        .where(OF.offered_at >= since)
        .group_by(OF.organization_id)
    )
    for org, n, picks, recent in s.execute(offers):
        rows[org].update(offers=n, picks=int(picks or 0), recent_offers=int(recent or 0))
    owned = (
        select(
            LE.owner_id,
            func.sum(case((LE.state == LeadState.WON, 1), else_=0)),
            func.sum(
                case(
                    ((LE.state == LeadState.PICKED) & (LE.picked_at < ctx.now - REPORT_GRACE), 1),
                    else_=0,
                )
            ),
        )
        .where(LE.owner_id.is_not(None), LE.picked_at >= since)
        .group_by(LE.owner_id)
    )
    for org, won, unreported in s.execute(owned):
        rows[org].update(won=int(won or 0), unreported=int(unreported or 0))
    hours: dict[int, list[float]] = defaultdict(list)
    picked = select(OF.organization_id, OF.offered_at, OF.responded_at).where(
        OF.state == OfferState.PICKED,
        OF.offered_at >= since,
        OF.responded_at.is_not(None),
    )
    for org, offered, responded in s.execute(picked):
        hours[org].append((responded - offered).total_seconds() / 3600)
    s.execute(delete(PartnerStats))
    for org, figures in rows.items():
        median = statistics.median(hours[org]) if hours.get(org) else None
        s.add(PartnerStats(organization_id=org, median_pick_hours=median,
                           refreshed_at=ctx.now, **figures))  # fmt: skip
    audit.record(ctx, "stats.refreshed", partners=len(rows))
    return len(rows)
