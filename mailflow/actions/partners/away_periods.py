"""A partner's contacts plan their away periods on the profile page.

A period runs from the first day to the last, whole days in the contact's time zone. With a
colleague who takes over, the offers meant for the contact go to the colleague meanwhile
(:func:`~mailflow.actions.leads.offer.offers_contacts`); without one the partner pauses
offers: matching leaves it out until the period ends
(:func:`~mailflow.queries.away.pauses`). Both are read live for new offers and reminders.
The offers already open when a period starts are handed on once (:func:`hand_on`): at once
when it starts now, else by the ``sweep_away`` job when its day comes — to the colleague
who takes over, or, when the partner pauses, moved on to the next partners as an
out-of-office reply moves them.

:func:`record_period` is the one writer of periods: the profile page and an
out-of-office reply (:func:`~mailflow.actions.partners.away.mark_away`) both go through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col, select

from mailflow.actions import audit
from mailflow.actions._offers import by_ids, close_offers, lock_lead
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotFound
from mailflow.actions.leads.offer import offer_next_ring
from mailflow.actions.outbound import outbox
from mailflow.actions.partners.profile import partner_contact
from mailflow.i18n import N_
from mailflow.mail import messages
from mailflow.models import AwayPeriod, Contact, Lead, Offer, OutboundEmail
from mailflow.models.states import OfferState

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
    starts_at = max(_midnight(plan.first_day, away.timezone), ctx.now)
    assert org.id is not None
    return record_period(ctx, org.id, plan.away_id, plan.stand_in_id, (starts_at, ends_at),
                         created_by_id=planner.id)  # fmt: skip


def record_period(
    ctx: ActionContext,
    organization_id: int,
    contact_id: int,
    stand_in_id: int | None,
    span: tuple[datetime, datetime],
    *,
    created_by_id: int | None,
) -> AwayPeriod:
    """Add the period ``span`` (start, end), or extend the contact's period of the same
    kind (the same colleague, or a pause) that it overlaps: a second out-of-office reply,
    or a longer date confirmed, moves the end of the one period. The offers open to the
    partner are handed on at once when the period has begun."""
    starts_at, ends_at = span
    period = ctx.session.exec(
        select(AwayPeriod)
        .where(
            AwayPeriod.organization_id == organization_id,
            AwayPeriod.contact_id == contact_id,
            col(AwayPeriod.stand_in_id).is_(None)
            if stand_in_id is None
            else col(AwayPeriod.stand_in_id) == stand_in_id,
            col(AwayPeriod.starts_at) <= starts_at,
            col(AwayPeriod.ends_at) >= starts_at,
            col(AwayPeriod.ends_at) > ctx.now,
        )
        .order_by(col(AwayPeriod.ends_at).desc())
        .with_for_update()
    ).first()
    if period is not None:
        if period.ends_at < ends_at:
            previous, period.ends_at = period.ends_at, ends_at
            audit.record(ctx, "organization.away_period_extended", organization_id=organization_id,
                         period_id=period.id, contact_id=contact_id,
                         ends_at=ends_at.isoformat(), previous=previous.isoformat())  # fmt: skip
        return period
    period = AwayPeriod(
        organization_id=organization_id,
        contact_id=contact_id,
        stand_in_id=stand_in_id,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by_id=created_by_id,
        created_at=ctx.now,
    )
    ctx.session.add(period)
    ctx.session.flush()
    audit.record(
        ctx,
        "organization.away_period",
        organization_id=organization_id,
        period_id=period.id,
        contact_id=contact_id,
        stand_in_id=stand_in_id,
        starts_at=period.starts_at.isoformat(),
        ends_at=period.ends_at.isoformat(),
    )
    if period.starts_at <= ctx.now:
        assert period.id is not None
        hand_on(ctx, period.id)
    return period


def due_hand_ons(session: Session, now: datetime, limit: int) -> list[int]:
    """The periods begun whose open offers were not handed on yet (``sweep_away``)."""
    rows = session.exec(
        select(AwayPeriod.id)
        .where(
            col(AwayPeriod.handed_on_at).is_(None),
            col(AwayPeriod.starts_at) <= now,
            col(AwayPeriod.ends_at) > now,
        )
        .order_by(col(AwayPeriod.starts_at))
        .limit(limit)
    ).all()
    return [r for r in rows if r is not None]


def hand_on(ctx: ActionContext, period_id: int) -> int:
    """Once per period, when it has begun: the offers open to the partner go to the
    colleague who takes over (an offer email to it), or, when the partner pauses, close as
    ``away`` and their leads move on to the next ring. Returns how many offers moved.
    Claimed with a conditional UPDATE: two sweeps hand each period on once."""
    claimed = ctx.session.exec(
        update(AwayPeriod)
        .where(
            col(AwayPeriod.id) == period_id,
            col(AwayPeriod.handed_on_at).is_(None),
            col(AwayPeriod.starts_at) <= ctx.now,
            col(AwayPeriod.ends_at) > ctx.now,
        )
        .values(handed_on_at=ctx.now)
    )
    period = ctx.session.get(AwayPeriod, period_id)
    if claimed.rowcount != 1 or period is None:
        return 0
    ctx.session.refresh(period)
    open_offers = ctx.session.exec(
        select(Offer.id, Offer.lead_id)
        .where(Offer.organization_id == period.organization_id, Offer.state == OfferState.OPEN)
        .order_by(col(Offer.id))
    ).all()
    if period.stand_in_id is None:
        moved = [i for i, lead in open_offers if i is not None and _move_on(ctx, i, lead, period)]
    else:
        moved = [i for i, lead in open_offers if i is not None and _take_over(ctx, i, lead, period)]
    if moved:  # each offer's own event says it moved; this one says why, once
        audit.record(ctx, "organization.away_period_started",
                     organization_id=period.organization_id, period_id=period.id,
                     contact_id=period.contact_id, stand_in_id=period.stand_in_id,
                     offers=moved)  # fmt: skip
    return len(moved)


def _move_on(ctx: ActionContext, offer_id: int, lead_id: int, period: AwayPeriod) -> bool:
    """The partner pauses: the offer closes as ``away`` and the lead moves on, as an
    out-of-office reply moves it (the lead before its offer: the one lock order)."""
    if lock_lead(ctx, lead_id) is None:
        return False
    event = {"until": period.ends_at.isoformat(), "period_id": period.id}
    if not close_offers(ctx, OfferState.AWAY, by_ids(offer_id), event=event):
        return False
    offer_next_ring(ctx, lead_id)
    return True


def _take_over(ctx: ActionContext, offer_id: int, lead_id: int, period: AwayPeriod) -> bool:
    """The colleague who takes over gets the offer the away contact was sent, unless it
    has it already; the offer stays open to the partner."""
    stand_in = ctx.session.get(Contact, period.stand_in_id)
    offer = ctx.session.get(Offer, offer_id)
    lead = ctx.session.get(Lead, lead_id)
    if stand_in is None or offer is None or lead is None or stand_in.undeliverable:
        return False
    if stand_in.removed_at is not None:
        return False
    sent = select(OutboundEmail.contact_id).where(
        OutboundEmail.offer_id == offer_id, OutboundEmail.kind == "offer"
    )
    recipients = set(ctx.session.exec(sent))
    if period.contact_id not in recipients or stand_in.id in recipients:
        return False
    ring = ctx.session.exec(
        select(Offer.id).where(Offer.lead_id == lead_id, Offer.ring == offer.ring)
    ).all()
    context = messages.offer(ctx.rt, lead, offer, stand_in, len(ring))
    outbox.queue(ctx, "offer", stand_in, context, lead_id=lead_id, offer_id=offer_id)
    audit.record(ctx, "offer.handed_over", lead_id=lead_id, offer_id=offer_id,
                 organization_id=offer.organization_id, contact_id=period.contact_id,
                 stand_in_id=stand_in.id)  # fmt: skip
    return True


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
