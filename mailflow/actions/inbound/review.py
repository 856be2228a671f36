"""Review queue decisions: apply a message (as understood, or corrected) or dismiss it."""

from __future__ import annotations

from pydantic import ValidationError

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotFound, WrongState
from mailflow.actions.leads.respond import Answer, act
from mailflow.models import InboundEmail
from mailflow.models.schemas import problems
from mailflow.models.states import InboundState
from mailflow.rules.command import Command

OPEN_STATES = (InboundState.REVIEW, InboundState.FAILED, InboundState.REFUSED)


def _open(ctx: ActionContext, inbound_id: int) -> InboundEmail:
    row = ctx.session.get(InboundEmail, inbound_id)
    if row is None:
        raise NotFound("no such message")
    if row.state not in OPEN_STATES:
        raise WrongState(f"the message is {row.state} already")
    return row


def apply_reviewed(ctx: ActionContext, inbound_id: int, command: Command) -> InboundEmail:
    """Run ``command`` for the offer and contact the message was routed to."""
    row = _open(ctx, inbound_id)
    if row.offer_id is None or row.contact_id is None:
        raise InvalidInput("this message could not be routed to an offer; dismiss it instead")
    try:
        answer = Answer.spoken(command)
        act(ctx, row.offer_id, row.contact_id, answer)
    except ValidationError as exc:  # a corrected amount, currency or reason out of bounds
        field, message = problems(exc)[0]
        raise InvalidInput(f"{field}: {message}", field=field) from None
    previous = row.state
    row.state, row.processed_at = InboundState.APPLIED, ctx.now
    row.outcome = {
        **row.outcome,
        "resolved_by": ctx.actor,
        "applied": command.action,
        "stage": command.stage,
    }
    audit.record(
        ctx,
        "inbound.applied",
        lead_id=row.lead_id,
        offer_id=row.offer_id,
        from_state=previous,
        to_state=InboundState.APPLIED,
        inbound_id=row.id,
    )
    return row


def dismiss(ctx: ActionContext, inbound_id: int, note: str | None = None) -> InboundEmail:
    row = _open(ctx, inbound_id)
    previous = row.state
    row.state, row.processed_at = InboundState.DISMISSED, ctx.now
    row.outcome = {**row.outcome, "resolved_by": ctx.actor, "note": note}
    audit.record(
        ctx,
        "inbound.dismissed",
        lead_id=row.lead_id,
        offer_id=row.offer_id,
        from_state=previous,
        to_state=InboundState.DISMISSED,
        inbound_id=row.id,
    )
    return row
