"""The points ledger: :func:`write` is the only code that writes a ledger row (awards for
picks and feedback, conversions to MDF), each mirrored by an audit Event in the action's
transaction; balances and leaderboards are read here too."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, SQLModel, col, select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.models import Feedback, Lead, Organization, OrgAssignment, PointsEntry
from mailflow.queries import visibility
from mailflow.queries.visibility import Viewer
from mailflow.rules.points import Award, for_feedback, for_pick

# the table itself (Core): rows inserted by the thousand need none of the ORM's bookkeeping
_POINTSENTRY = SQLModel.metadata.tables["pointsentry"]
_INSERT = insert(_POINTSENTRY).returning(_POINTSENTRY.c.id)


def write(
    ctx: ActionContext,
    organization_id: int,
    kind: str,
    points: int,
    *,
    event: str = "points.awarded",
    contact_id: int | None = None,
    lead_id: int | None = None,
    mdf_amount: Decimal | None = None,
    note: str | None = None,
    **data: Any,
) -> PointsEntry:
    """The one writer of the ledger: a row (an INSERT statement, as
    :mod:`mailflow.actions.audit` writes events) mirrored by the ``event``, which also
    carries ``data``. Returns the row, detached."""
    values: dict[str, Any] = {
        "organization_id": organization_id,
        "contact_id": contact_id,
        "lead_id": lead_id,
        "kind": kind,
        "points": points,
        "mdf_amount": mdf_amount,
        "note": note,
        "at": ctx.now,
    }
    entry_id = ctx.session.execute(_INSERT, values).scalar_one()
    audit.record(
        ctx,
        event,
        lead_id=lead_id,
        organization_id=organization_id,
        points=points,
        contact_id=contact_id,
        mdf_amount=None if mdf_amount is None else str(mdf_amount),
        **data,
    )
    return PointsEntry(id=entry_id, **values)


def _award(ctx: ActionContext, organization_id: int, awards: list[Award], **where: Any) -> None:
    for award in awards:
        write(ctx, organization_id, award.kind, award.points, award=award.kind, **where)


def award_pick(ctx: ActionContext, lead: Lead, organization_id: int, contact_id: int) -> None:
    awards = for_pick(lead.temperature)
    _award(ctx, organization_id, awards, contact_id=contact_id, lead_id=lead.id)


def award_feedback(ctx: ActionContext, lead: Lead, row: Feedback, moved: bool) -> None:
    previous = ctx.session.exec(
        select(func.max(Feedback.created_at)).where(
            col(Feedback.lead_id) == lead.id, col(Feedback.id) != row.id
        )
    ).one()
    since = previous or lead.picked_at
    delta = ctx.now - since if since is not None else None
    awards = for_feedback(row.stage, delta, moved)
    _award(ctx, row.organization_id, awards, contact_id=row.contact_id, lead_id=lead.id)


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
