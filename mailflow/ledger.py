"""The points ledger: writes awards inside an action's transaction, reads balances and
leaderboards. Every ledger row is mirrored by an audit Event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from mailflow import audit, points, visibility
from mailflow.actions.context import ActionContext
from mailflow.models import Feedback, Lead, Organization, OrgAssignment, PointsEntry
from mailflow.visibility import Viewer

_INSERT = insert(PointsEntry)


def write(
    ctx: ActionContext,
    organization_id: int,
    awards: list[points.Award],
    *,
    contact_id: int | None = None,
    lead_id: int | None = None,
) -> None:
    """One ledger row per award, each mirrored by an event (prepared INSERTs, as
    :mod:`mailflow.audit` writes events)."""
    for award in awards:
        values = {
            "organization_id": organization_id,
            "contact_id": contact_id,
            "lead_id": lead_id,
            "kind": award.kind,
            "points": award.points,
            "at": ctx.now,
        }
        ctx.execute(_INSERT, values)
        audit.record(
            ctx,
            "points.awarded",
            lead_id=lead_id,
            organization_id=organization_id,
            award=award.kind,
            points=award.points,
            contact_id=contact_id,
        )


def award_pick(ctx: ActionContext, lead: Lead, organization_id: int, contact_id: int) -> None:
    write(
        ctx,
        organization_id,
        points.for_pick(lead.temperature),
        contact_id=contact_id,
        lead_id=lead.id,
    )


def award_feedback(ctx: ActionContext, lead: Lead, row: Feedback, moved: bool) -> None:
    previous = ctx.session.exec(
        select(func.max(Feedback.created_at)).where(
            col(Feedback.lead_id) == lead.id, col(Feedback.id) != row.id
        )
    ).one()
    since = previous or lead.picked_at
    delta = ctx.now - since if since is not None else None
    write(
        ctx,
        row.organization_id,
        points.for_feedback(row.stage, delta, moved),
        contact_id=row.contact_id,
        lead_id=lead.id,
    )


def balance(session: Session, organization_id: int) -> int:
    total = session.exec(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            col(PointsEntry.organization_id) == organization_id
        )
    ).one()
    return int(total)


def leaderboard(
    session: Session,
    viewer: Viewer,
    territory_id: int | None = None,
    since: datetime | None = None,
) -> list[dict[str, Any]]:
    """Partners by points earned (conversions to MDF do not lower the rank)."""
    earned = func.sum(PointsEntry.points)
    stmt = (
        select(Organization.id, Organization.name, earned)
        .join(PointsEntry, col(PointsEntry.organization_id) == Organization.id)
        .where(col(PointsEntry.points) > 0, visibility.points(viewer))
    )
    if territory_id is not None:
        stmt = stmt.join(
            OrgAssignment, col(OrgAssignment.organization_id) == Organization.id
        ).where(col(OrgAssignment.territory_id) == territory_id)
    if since is not None:
        stmt = stmt.where(col(PointsEntry.at) >= since)
    rows = session.exec(
        stmt.group_by(col(Organization.id), col(Organization.name)).order_by(earned.desc())
    ).all()
    return [
        {"rank": i, "organization_id": oid, "name": name, "points": int(total)}
        for i, (oid, name, total) in enumerate(rows, start=1)
    ]
