"""mark_away: a partner's contact is away (an out-of-office reply to an offer).

The offer closes as ``away`` and the lead moves on at once when nobody of its ring is
left; with a date to come back, the contact's away period pauses the partner's offers
until then (:func:`~mailflow.actions.partners.away_periods.record_period`, the one writer
of away periods, which the profile page uses too): no offers, no reminders, and the
other offers open to the partner move on. Inbound mail processing calls
:func:`away_by_mail` for out-of-office replies: a period set by mail lasts
``MAILFLOW_AWAY_MAX_DAYS`` at most; a later date the reply names is recorded, and the
partner managers get a signed link to set it (:func:`confirm_away`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select

from mailflow.actions import audit
from mailflow.actions._load import partner_managers
from mailflow.actions._offers import by_ids, close_offers, lock_lead
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotAllowed, NotFound, WrongState
from mailflow.actions.leads.offer import offer_next_ring
from mailflow.actions.outbound import outbox
from mailflow.actions.partners.away_periods import record_period
from mailflow.mail import messages
from mailflow.models import AwayPeriod, Contact, Offer, OfferState, Organization


def mark_away(ctx: ActionContext, offer_id: int, until: datetime | None, contact_id: int) -> Offer:
    """``contact_id`` answered ``offer_id`` that it is away; ``until`` is when it is back
    (``None``: unknown — this offer only)."""
    offer = ctx.session.get(Offer, offer_id)
    if offer is None:
        raise NotFound("no such offer")
    lead = lock_lead(ctx, offer.lead_id)  # the lead before its offer: the one lock order
    contact = ctx.session.get(Contact, contact_id)
    if contact is None or contact.organization_id != offer.organization_id:
        raise NotFound("no such contact")
    assert lead is not None and lead.id is not None and offer.id is not None
    if until is not None and until > ctx.now:
        record_period(ctx, offer.organization_id, contact_id, None, (ctx.now, until),
                      created_by_id=contact_id)  # fmt: skip
    back = {"until": until.isoformat()} if until else None
    if close_offers(ctx, OfferState.AWAY, by_ids(offer.id), event=back):
        offer_next_ring(ctx, lead.id)
    ctx.session.refresh(offer)
    return offer


@dataclass(frozen=True)
class AwayByMail:
    offer: Offer
    until: datetime | None  # the away period set: the date named, capped
    asked: datetime | None  # the date named, when it was later than the cap


def away_by_mail(
    ctx: ActionContext, offer_id: int, named: datetime | None, contact_id: int
) -> AwayByMail:
    """An out-of-office reply to an offer: :func:`mark_away` until the date it names, but
    ``away_max_days`` from now at most. A mail (forged, or a typo in a date) must not take
    a partner out of the distribution for years; the longer date is recorded."""
    cap = ctx.now + timedelta(days=ctx.rt.settings.away_max_days)
    until = min(named, cap) if named is not None else None
    offer = mark_away(ctx, offer_id, until, contact_id)
    if named is None or named <= cap:
        return AwayByMail(offer, until, None)
    managers = partner_managers(ctx)
    audit.record(
        ctx,
        "organization.away_capped",
        organization_id=offer.organization_id,
        lead_id=offer.lead_id,
        offer_id=offer.id,
        until=cap.isoformat(),
        asked=named.isoformat(),
        max_days=ctx.rt.settings.away_max_days,
        managers=[m.id for m in managers],
    )
    _ask_to_confirm(ctx, offer.organization_id, managers, cap, named)
    return AwayByMail(offer, until, named)


def _ask_to_confirm(
    ctx: ActionContext, org_id: int, managers: list[Contact], cap: datetime, asked: datetime
) -> None:
    """The partner managers may set the longer period with one signed link: a person,
    not a mail, takes a partner out of the distribution for longer than the cap."""
    org = ctx.session.get(Organization, org_id)
    partner = org.name if org else ""
    for manager in managers:
        assert manager.id is not None
        context = messages.away_confirm(ctx.rt, partner, org_id, manager.id, cap, asked)
        outbox.queue(ctx, "away_confirm", manager, context)


def confirm_away(ctx: ActionContext, org_id: int, contact_id: int, until: datetime) -> AwayPeriod:
    """A partner manager confirms the away period an out-of-office named (the signed link
    of :func:`away_by_mail`): the partner's pause that the reply started lasts until then."""
    manager = ctx.session.get(Contact, contact_id)
    if manager is None or manager.role != "partner_manager":
        raise NotAllowed("only a partner manager can confirm an away period")
    org = ctx.session.get(Organization, org_id, with_for_update=True)
    if org is None:
        raise NotFound("no such partner")
    if until <= ctx.now:
        raise WrongState(f"{until.date().isoformat()} has passed already")
    period = current_pause(ctx, org_id)
    if period is None:
        raise WrongState("the partner is not away anymore")
    if period.ends_at >= until:
        return period  # confirmed already (a second click changes nothing)
    assert org.id is not None
    previous = period.ends_at
    extended = record_period(ctx, org.id, period.contact_id, None, (period.starts_at, until),
                             created_by_id=contact_id)  # fmt: skip
    audit.record(
        ctx,
        "organization.away_confirmed",
        organization_id=org.id,
        period_id=extended.id,
        until=until.isoformat(),
        previous=previous.isoformat(),
    )
    return extended


def current_pause(ctx: ActionContext, org_id: int) -> AwayPeriod | None:
    """The partner's pause going on now that ends last (an out-of-office reply's)."""
    return ctx.session.exec(
        select(AwayPeriod)
        .where(
            AwayPeriod.organization_id == org_id,
            col(AwayPeriod.stand_in_id).is_(None),
            col(AwayPeriod.starts_at) <= ctx.now,
            col(AwayPeriod.ends_at) > ctx.now,
        )
        .order_by(col(AwayPeriod.ends_at).desc(), col(AwayPeriod.id).desc())
        .with_for_update()
    ).first()
