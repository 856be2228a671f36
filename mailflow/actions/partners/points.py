"""convert_points: turn a partner's points into MDF budget at the configured rate."""

from __future__ import annotations

from sqlmodel import select

from mailflow.actions import ledger
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotAllowed, NotFound
from mailflow.models import Organization, PointsEntry
from mailflow.rules import points


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
    return ledger.write(
        ctx,
        organization_id,
        "mdf",
        -amount,
        event="points.converted",
        mdf_amount=value,
        note=f"{amount} points at {ctx.settings.points_mdf_rate}/point",
        balance=available - amount,
    )
