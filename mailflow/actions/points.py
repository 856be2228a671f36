"""convert_points: turn a partner's points into MDF budget at the configured rate."""

from __future__ import annotations

from sqlmodel import select

from mailflow import audit, ledger, points
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotAllowed, NotFound
from mailflow.models import Organization, PointsEntry


def convert_points(ctx: ActionContext, organization_id: int, amount: int) -> PointsEntry:
    # The partner's row is locked first: two conversions at once (two console tabs, an API
    # retry) read the balance one after the other, so neither spends points the other spent.
    partner = ctx.session.exec(
        select(Organization).where(Organization.id == organization_id).with_for_update()
    ).first()
    if partner is None:
        raise NotFound("no such partner")
    if amount <= 0:
        raise NotAllowed("convert a positive number of points")
    available = ledger.balance(ctx.session, organization_id)
    if amount > available:
        raise NotAllowed(f"only {available} points available")
    value = points.mdf_value(amount, ctx.settings.points_mdf_rate)
    row = PointsEntry(
        organization_id=organization_id,
        kind="mdf",
        points=-amount,
        mdf_amount=value,
        note=f"{amount} points at {ctx.settings.points_mdf_rate}/point",
        at=ctx.now,
    )
    ctx.session.add(row)
    audit.record(
        ctx,
        "points.converted",
        organization_id=organization_id,
        points=-amount,
        mdf_amount=str(value),
        balance=available - amount,
    )
    return row
