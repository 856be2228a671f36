"""Closing offers: every way an open offer ends (picked elsewhere, declined, expired, away,
withdrawn) is one conditional UPDATE here, and one event per offer it closed.

The one lock order: an action that changes a lead's offers takes the lead's row first
(:func:`lock_lead`, or the pick's conditional UPDATE of the lead), then its offers. An
action that took an offer first and then wrote a row referring to the lead (an event, an
email: the foreign key locks the lead ``FOR KEY SHARE``) would deadlock with one that
holds the lead and waits for the offer."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, update
from sqlmodel import col, select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.models import Lead, Offer, OfferState
from mailflow.rules import lifecycle

MAX_REASON = 500  # the column's length
# How a conditional UPDATE ... RETURNING <entity> updates the rows the session holds: by
# the rows returned (populate_existing), not by evaluating the SET clause in Python.
REFRESH = {"synchronize_session": False, "populate_existing": True}


def lock_lead(ctx: ActionContext, lead_id: int) -> Lead | None:
    """The lead's row, locked (waiting for whoever holds it), before any of its offers is
    touched. SQLite serialises writers with ``BEGIN IMMEDIATE`` instead, so there the row
    is simply read."""
    query = select(Lead).where(col(Lead.id) == lead_id).with_for_update()
    return ctx.session.exec(query).first()


def close_offers(
    ctx: ActionContext,
    state: OfferState,
    *where: ColumnElement[bool],
    reason: str | None = None,
    by: int | None = None,
    event: Mapping[str, object] | None = None,
) -> list[Offer]:
    """Close the offers ``where`` selects as ``state``, those still open only: an offer
    picked, declined or closed by someone else meanwhile is left as it is. ``reason`` is
    stored on each offer, ``by`` is the contact who answered, ``event`` goes into each
    ``offer.<state>`` event. Returns the offers closed, by id, as loaded rows."""
    values: dict[str, object] = {"state": state, "responded_at": ctx.now, "remind_at": None}
    if reason:
        values["reason"] = reason[:MAX_REASON]
    if by is not None:
        values["responded_by_id"] = by
    statement = (
        update(Offer)
        .where(*where, col(Offer.state).in_(lifecycle.offer_sources(state)))
        .values(values)
        .returning(Offer)
    )
    # the rows the database changed, as RETURNING gives them, replace what the session
    # holds of them: not those a stale in-memory state would match
    closed = ctx.session.scalars(statement, execution_options=REFRESH)
    offers = sorted(closed.all(), key=lambda o: o.id or 0)
    events = [
        audit.event(
            ctx,
            f"offer.{state}",
            lead_id=offer.lead_id,
            offer_id=offer.id,
            organization_id=offer.organization_id,
            from_state=OfferState.OPEN,
            to_state=state,
            ring=offer.ring,
            **(event or {}),
        )
        for offer in offers
    ]
    audit.record_all(ctx, events)  # one INSERT: a pick closes every other offer of its ring
    return offers


def by_ids(*offer_ids: int | None) -> ColumnElement[bool]:
    """The criterion for closing exactly these offers."""
    return col(Offer.id).in_(offer_ids)
