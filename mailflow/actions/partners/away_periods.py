"""A partner's contacts plan their away periods on the profile page.

A period runs from the first day to the last, whole days in the contact's time zone. With a
colleague who takes over, the offers meant for the contact go to the colleague meanwhile
(:func:`~mailflow.actions.leads.offer.offers_contacts`); without one the partner pauses
offers: matching leaves it out until the period ends
(:func:`~mailflow.queries.away.paused_partners`). Both are read live, so a period takes
effect at its start and ends at its end with no job to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotFound
from mailflow.actions.partners.profile import partner_contact
from mailflow.i18n import N_
from mailflow.models import AwayPeriod, Contact

MAX_DAYS = 366  # a longer absence is a change of contacts, not an away period


@dataclass(frozen=True)
class PlannedAway:
    away_id: int  # the contact who is away
    first_day: date
    last_day: date
    stand_in_id: int | None  # None: pause the partner's offers


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(zone)).astimezone(UTC)


def add_away_period(ctx: ActionContext, contact_id: int, plan: PlannedAway) -> AwayPeriod:
    """``contact_id`` plans the period (for itself or a colleague)."""
    planner, org = partner_contact(ctx, contact_id)
    away = _colleague(ctx, plan.away_id, org.id)
    if plan.stand_in_id is not None:
        _colleague(ctx, plan.stand_in_id, org.id)
        if plan.stand_in_id == plan.away_id:
            raise InvalidInput(N_("The colleague who takes over must be someone else."))
    if plan.last_day < plan.first_day:
        raise InvalidInput(N_("The last day comes before the first."))
    if (plan.last_day - plan.first_day).days >= MAX_DAYS:
        raise InvalidInput(N_("An away period lasts a year at most."))
    ends_at = _midnight(plan.last_day + timedelta(days=1), away.timezone)
    if ends_at <= ctx.now:
        raise InvalidInput(N_("This period is over already."))
    period = AwayPeriod(
        organization_id=org.id,  # type: ignore[arg-type]
        contact_id=plan.away_id,
        stand_in_id=plan.stand_in_id,
        starts_at=max(_midnight(plan.first_day, away.timezone), ctx.now),
        ends_at=ends_at,
        created_by_id=planner.id,
        created_at=ctx.now,
    )
    ctx.session.add(period)
    ctx.session.flush()
    audit.record(
        ctx,
        "organization.away_period",
        organization_id=org.id,
        period_id=period.id,
        contact_id=plan.away_id,
        stand_in_id=plan.stand_in_id,
        starts_at=period.starts_at.isoformat(),
        ends_at=period.ends_at.isoformat(),
    )
    return period


def end_away_period(ctx: ActionContext, contact_id: int, period_id: int) -> AwayPeriod:
    """End the period now (one not begun yet is dropped: it ends where it starts)."""
    _, org = partner_contact(ctx, contact_id)
    period = ctx.session.get(AwayPeriod, period_id, with_for_update=True)
    if period is None or period.organization_id != org.id:
        raise NotFound()
    if period.ends_at <= ctx.now:
        return period  # over already (a second click changes nothing)
    period.ends_at = max(period.starts_at, ctx.now)
    audit.record(
        ctx,
        "organization.away_period_ended",
        organization_id=org.id,
        period_id=period.id,
        contact_id=period.contact_id,
        ends_at=period.ends_at.isoformat(),
    )
    return period


def _colleague(ctx: ActionContext, contact_id: int, organization_id: int | None) -> Contact:
    """A confirmed contact of the partner, still with it."""
    contact = ctx.session.get(Contact, contact_id)
    if contact is None or contact.organization_id != organization_id:
        raise NotFound()
    if contact.pending or contact.removed_at is not None:
        raise NotFound()
    return contact
