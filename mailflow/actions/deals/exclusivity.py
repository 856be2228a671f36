"""An approved registration's exclusivity: the reminder before it ends, its end, and an
extension the partner asks for and the staff grant with one click.

The sweeps find due rows by their columns (``remind_at``, ``exclusive_until``) and claim
each with a conditional UPDATE, so two sweeps at once remind and end each one once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select, update

from mailflow.actions import audit
from mailflow.actions._load import require_active
from mailflow.actions.context import ActionContext
from mailflow.actions.deals.decide import lock_deal
from mailflow.actions.deals.notify import ask_extension, tell_expiring, tell_extended
from mailflow.actions.errors import NotAllowed, WrongState
from mailflow.i18n import N_
from mailflow.models import Contact, DealRegistration
from mailflow.models.states import DealState
from mailflow.queries.deals import extension_days
from mailflow.rules.deals import extended, remind_at


def due_reminders(session: Session, now: datetime, limit: int) -> list[int]:
    return _due(session, col(DealRegistration.remind_at) <= now, limit)


def due_ends(session: Session, now: datetime, limit: int) -> list[int]:
    return _due(session, col(DealRegistration.exclusive_until) <= now, limit)


def _due(session: Session, condition: ColumnElement[bool], limit: int) -> list[int]:
    rows = session.exec(
        select(DealRegistration.id)
        .where(DealRegistration.state == DealState.APPROVED, condition)
        .order_by(col(DealRegistration.id))
        .limit(limit)
    ).all()
    return [r for r in rows if r is not None]


def remind(ctx: ActionContext, deal_id: int) -> bool:
    """The one reminder before the exclusivity ends; True when it was sent."""
    claimed = ctx.session.exec(
        update(DealRegistration)
        .where(
            col(DealRegistration.id) == deal_id,
            col(DealRegistration.remind_at) <= ctx.now,
            col(DealRegistration.state) == DealState.APPROVED,
        )
        .values(remind_at=None)
    )
    deal = ctx.session.get(DealRegistration, deal_id)
    if claimed.rowcount != 1 or deal is None:
        return False
    audit.record(ctx, "deal.exclusivity_reminded", organization_id=deal.organization_id,
                 lead_id=deal.lead_id, deal_id=deal.id)  # fmt: skip
    tell_expiring(ctx, deal)
    return True


def end(ctx: ActionContext, deal_id: int) -> bool:
    """The exclusivity ran out: the registration no longer claims its customer (the lead
    stays the partner's, as any picked lead)."""
    claimed = ctx.session.exec(
        update(DealRegistration)
        .where(
            col(DealRegistration.id) == deal_id,
            col(DealRegistration.state) == DealState.APPROVED,
            col(DealRegistration.exclusive_until) <= ctx.now,
        )
        .values(state=DealState.ENDED, remind_at=None, updated_at=ctx.now)
    )
    deal = ctx.session.get(DealRegistration, deal_id)
    if claimed.rowcount != 1 or deal is None:
        return False
    audit.record(ctx, "deal.ended", organization_id=deal.organization_id,
                 lead_id=deal.lead_id, deal_id=deal.id, from_state=DealState.APPROVED,
                 to_state=DealState.ENDED)  # fmt: skip
    return True


def request_extension(ctx: ActionContext, deal_id: int, contact_id: int) -> DealRegistration:
    """The partner asks for more time; the staff get a one-click email to grant it."""
    deal = lock_deal(ctx, deal_id, DealState.APPROVED)
    contact = ctx.session.get(Contact, contact_id)
    if contact is None or contact.organization_id != deal.organization_id:
        raise NotAllowed(N_("This registration belongs to another partner."))
    require_active(ctx, deal.organization_id)
    if deal.extension_asked_at is not None:
        said = N_("You asked for more time already; the manufacturer decides.")
        raise WrongState("an extension was asked for already", said=said)
    deal.extension_asked_at, deal.updated_at = ctx.now, ctx.now
    audit.record(ctx, "deal.extension_requested", organization_id=deal.organization_id,
                 lead_id=deal.lead_id, deal_id=deal.id, contact_id=contact_id)  # fmt: skip
    ask_extension(ctx, deal)
    return deal


def grant_extension(ctx: ActionContext, deal_id: int) -> DealRegistration:
    """More time, counted from the current end (from now when it ended meanwhile): the
    campaign's ``extension_days`` (:func:`~mailflow.queries.deals.extension_days`)."""
    deal = ctx.session.exec(
        select(DealRegistration).where(DealRegistration.id == deal_id).with_for_update()
    ).first()
    asked = deal is not None and deal.extension_asked_at is not None
    if deal is None or not asked or deal.state not in (DealState.APPROVED, DealState.ENDED):
        raise WrongState("no extension is asked for",
                         said=N_("No extension is waiting for a decision."))  # fmt: skip
    assert deal.exclusive_until is not None
    days = extension_days(ctx.session, deal)
    previous, deal.state = deal.state, DealState.APPROVED
    deal.exclusive_until = extended(deal.exclusive_until, ctx.now, days)
    deal.remind_at = remind_at(ctx.now, deal.exclusive_until)
    deal.extension_asked_at, deal.updated_at = None, ctx.now
    audit.record(ctx, "deal.extended", organization_id=deal.organization_id, lead_id=deal.lead_id,
                 deal_id=deal.id, from_state=previous, to_state=DealState.APPROVED,
                 exclusive_until=deal.exclusive_until.isoformat(), days=days)  # fmt: skip
    tell_extended(ctx, deal)
    return deal
