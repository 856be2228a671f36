"""A reply the interpreter was not sure about, asked back ("did you mean …?").

The message waits in ``asked`` with its likely readings in its outcome (``choices``).
The partner's one-click choice applies one through the one dispatch of a partner's
answer (:func:`mailflow.actions.leads.respond.act`), or keeps the reply as a note; a
second click finds the choice made and changes nothing. A day without a choice hands the
message to the review queue, which shows the readings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import update
from sqlmodel import Session, col, select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotFound, WrongState
from mailflow.actions.leads.respond import Answer, act
from mailflow.actions.outbound import outbox
from mailflow.i18n import N_
from mailflow.links.claims import NOTE_CHOICE
from mailflow.models import InboundEmail, Offer
from mailflow.models.states import InboundState
from mailflow.rules.command import Command, as_json, from_json

CHOICES = 3  # readings offered at most, besides "only a note"
ANSWER_WITHIN = timedelta(days=1)
UNANSWERED = N_("the partner did not choose within a day")
# where a choice can still be made: asked, or in the review queue after the day passed
_CHOOSABLE = (InboundState.ASKED, InboundState.REVIEW)


@dataclass(frozen=True)
class Chosen:
    row: InboundEmail
    command: Command | None  # None: kept as a note
    before: bool  # the choice had been made already (a second click): nothing changed


def offered(row: InboundEmail, choice: str) -> Command | None:
    """The reading ``choice`` names among the message's stored ones; None for the note;
    NotFound when the message offered no such choice."""
    if choice == NOTE_CHOICE:
        return None
    stored = row.outcome.get("choices") or []
    index = int(choice) if choice.isdigit() else -1
    command = from_json(stored[index]) if 0 <= index < len(stored) else None
    if command is None:
        raise NotFound("no such choice")
    return command


def question(ctx: ActionContext, inbound_id: int, contact_id: int) -> InboundEmail:
    """The asked-back message ``contact_id`` was sent choices for."""
    row = ctx.session.get(InboundEmail, inbound_id)
    if row is None or row.contact_id != contact_id or row.offer_id is None:
        raise NotFound("no such question")
    if not row.outcome.get("choices"):
        raise NotFound("no such question")
    return row


def choose(ctx: ActionContext, inbound_id: int, contact_id: int, choice: str) -> Chosen:
    """Apply the partner's choice; a repeated choice returns the one made before."""
    row = question(ctx, inbound_id, contact_id)
    made = row.outcome.get("chosen")
    if made is not None:
        return Chosen(row, offered(row, str(made)), before=True)
    command = offered(row, choice)
    previous = row.state
    if previous not in _CHOOSABLE:
        raise WrongState(f"the message is {previous} already")
    state = InboundState.APPLIED if command is not None else InboundState.NOTED
    claimed = ctx.session.connection().execute(
        update(InboundEmail)
        .where(col(InboundEmail.id) == inbound_id, col(InboundEmail.state) == previous)
        .values(state=state, processed_at=ctx.now)
    )
    if claimed.rowcount != 1:  # another click or a reviewer was first
        ctx.session.refresh(row)
        if row.outcome.get("chosen") is not None:
            return Chosen(row, offered(row, str(row.outcome["chosen"])), before=True)
        raise WrongState(f"the message is {row.state} already")
    assert row.offer_id is not None
    if command is None:
        if previous == InboundState.ASKED:  # the review hand-over kept it already
            _keep_note(ctx, row)
    else:
        _apply(ctx, row, contact_id, command)
    ctx.session.refresh(row)
    row.outcome = {**row.outcome, "chosen": choice, "resolved_by": ctx.actor}
    ctx.session.add(row)
    audit.record(
        ctx,
        "inbound.chosen",
        lead_id=row.lead_id,
        offer_id=row.offer_id,
        from_state=previous,
        to_state=state,
        inbound_id=row.id,
        choice=as_json(command) if command is not None else NOTE_CHOICE,
    )
    return Chosen(row, command, before=False)


def _apply(ctx: ActionContext, row: InboundEmail, contact_id: int, command: Command) -> None:
    assert row.offer_id is not None
    # the action's own email to the partner says what their words were taken as
    outbox.annotate_next(ctx, contact_id, "heard", heard(row, command))
    try:
        act(ctx, row.offer_id, contact_id, Answer.spoken(command))
    except ValidationError:  # a stored reading out of today's bounds
        raise InvalidInput("this choice cannot be applied") from None
    finally:
        outbox.annotation_taken(ctx, contact_id, "heard")


def heard(row: InboundEmail, command: Command) -> dict[str, Any]:
    """What the partner's reply was taken as, with their decisive words, for an email."""
    return {**as_json(command), "words": str(row.outcome.get("because") or "")[:200]}


def _keep_note(ctx: ActionContext, row: InboundEmail) -> None:
    offer = ctx.session.get(Offer, row.offer_id)
    assert offer is not None
    audit.record(
        ctx,
        "lead.note",
        lead_id=offer.lead_id,
        organization_id=offer.organization_id,
        text=str(row.outcome.get("reply_text") or "")[:2000],
    )


# -- a day without a choice ---------------------------------------------------------------
def due_unanswered(session: Session, now: datetime, limit: int) -> list[int]:
    """Messages asked back more than ``ANSWER_WITHIN`` ago and still without a choice."""
    query = (
        select(InboundEmail.id)
        .where(
            col(InboundEmail.state) == InboundState.ASKED,
            col(InboundEmail.processed_at) < now - ANSWER_WITHIN,
        )
        .order_by(col(InboundEmail.id))
        .limit(limit)
    )
    return [i for i in session.exec(query) if i is not None]


def unanswered_to_review(ctx: ActionContext, inbound_id: int) -> bool:
    """Hand an unanswered question to the review queue (once: a conditional UPDATE); the
    reply is kept on the lead as a note meanwhile, as any reply without a command is."""
    moved = ctx.session.connection().execute(
        update(InboundEmail)
        .where(
            col(InboundEmail.id) == inbound_id,
            col(InboundEmail.state) == InboundState.ASKED,
            col(InboundEmail.processed_at) < ctx.now - ANSWER_WITHIN,
        )
        .values(state=InboundState.REVIEW)
    )
    if moved.rowcount != 1:
        return False
    row = ctx.session.get(InboundEmail, inbound_id)
    assert row is not None
    ctx.session.refresh(row)
    if row.offer_id is not None:
        _keep_note(ctx, row)
    row.outcome = {**row.outcome, "reason": UNANSWERED}
    ctx.session.add(row)
    audit.record(
        ctx,
        "inbound.unanswered",
        lead_id=row.lead_id,
        offer_id=row.offer_id,
        from_state=InboundState.ASKED,
        to_state=InboundState.REVIEW,
        inbound_id=row.id,
    )
    return True
