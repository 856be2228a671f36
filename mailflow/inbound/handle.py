"""What a parsed message does, inside the processing transaction: bounce, auto-reply,
or a partner's reply that is routed, verified, interpreted, applied and confirmed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlmodel import col, func, select

from mailflow import audit, leadview
from mailflow.actions.away import mark_away
from mailflow.actions.bounce import record_bounce
from mailflow.actions.context import ActionContext
from mailflow.actions.decline import decline
from mailflow.actions.errors import ActionError, QueueBlocked
from mailflow.actions.feedback import feedback
from mailflow.actions.pick import pick
from mailflow.actions.queue_gate import explain_queue
from mailflow.inbound.interpret import Command
from mailflow.inbound.parse import Parsed
from mailflow.inbound.process import Outcome, route
from mailflow.mail import outbox
from mailflow.models import Contact, Lead, Offer, OutboundEmail
from mailflow.schemas import FeedbackIn
from mailflow.tokens import TokenInvalid


class Refused(Exception):
    """The action refused the reply's command. Raised out of the message's unit, so that
    whatever the action wrote before it refused (a pick claims the lead, then the offer)
    is rolled back with the unit; the unit then runs again with ``refused``: the refusal
    is recorded and the partner told, and the action is not tried again. One SAVEPOINT
    per message instead of a second one around every action."""

    def __init__(self, error: ActionError) -> None:
        super().__init__(str(error))
        self.error = error


def dispatch(ctx: ActionContext, parsed: Parsed, refused: ActionError | None = None) -> Outcome:
    """The reply's outcome; ``refused``: the action refused its command on a first run
    (see :class:`Refused`)."""
    if parsed.kind == "bounce":
        return _bounce(ctx, parsed)
    routed = route(ctx, parsed)
    if isinstance(routed, Outcome):
        return (
            routed
            if parsed.kind != "auto_reply"
            else Outcome("auto_reply", "auto-reply, not routed")
        )
    offer_id, contact_id = routed
    offer, contact = ctx.session.get(Offer, offer_id), ctx.session.get(Contact, contact_id)
    if offer is None or contact is None:
        return Outcome("review", "the offer of this reply no longer exists")
    ids: dict[str, Any] = {"offer_id": offer_id, "contact_id": contact_id, "lead_id": offer.lead_id}
    if parsed.kind == "auto_reply":
        return _auto_reply(ctx, parsed, offer, contact, ids)
    actor = _verified_sender(ctx, parsed, contact)
    if actor is None:
        return Outcome(
            "review",
            f"sender {parsed.from_addr or '(none)'} is not a contact of the partner",
            **ids,
        )
    ids["contact_id"] = actor.id
    ctx.actor = f"contact:{actor.id}"
    return _act(ctx, parsed, offer, actor, ids, refused)


def _bounce(ctx: ActionContext, parsed: Parsed) -> Outcome:
    bounce = parsed.bounce
    assert bounce is not None
    email_id = _bounced_email(ctx, parsed)
    result = record_bounce(ctx, email_id, bounce.recipient, hard=bounce.hard, status=bounce.status)
    kind = "hard" if bounce.hard else "soft"
    return Outcome(
        "bounce",
        f"{kind} bounce for {bounce.recipient or 'unknown recipient'}",
        {"undeliverable": result.undeliverable, "offer_moved": result.offer_moved},
        contact_id=result.contact_id,
    )


def _bounced_email(ctx: ActionContext, parsed: Parsed) -> int | None:
    """Which of our emails bounced: the VERP key of the bounce address, else the thread."""
    for key in parsed.bounce_keys:
        try:
            return ctx.rt.signer.read_bounce_key(key)
        except TokenInvalid:
            continue
    if parsed.thread_ids:
        return ctx.session.exec(
            select(OutboundEmail.id).where(col(OutboundEmail.message_id).in_(parsed.thread_ids))
        ).first()
    return None


def _auto_reply(
    ctx: ActionContext, parsed: Parsed, offer: Offer, contact: Contact, ids: dict[str, Any]
) -> Outcome:
    """Never a command, never answered; an out-of-office reply to an open offer moves it on."""
    if not parsed.out_of_office:
        return Outcome("auto_reply", "auto-reply ignored", **ids)
    until = None
    if parsed.away_until is not None:
        until = datetime.combine(parsed.away_until, time(0, 0), tzinfo=UTC)
    assert offer.id is not None
    was_open = offer.state == "open"
    moved = was_open and mark_away(ctx, offer.id, until).state == "away"
    return Outcome(
        "auto_reply",
        "out of office" + (": offer moved on" if moved else ""),
        {"away_until": until.isoformat() if until else None},
        **ids,
    )


def _verified_sender(ctx: ActionContext, parsed: Parsed, contact: Contact) -> Contact | None:
    """The sender must be the contact, or another contact of the same partner."""
    sender = (parsed.from_addr or "").lower()
    if not sender:
        return None
    if sender == contact.email.lower():
        return contact
    return ctx.session.exec(
        select(Contact).where(
            Contact.organization_id == contact.organization_id, func.lower(Contact.email) == sender
        )
    ).first()


def _act(
    ctx: ActionContext,
    parsed: Parsed,
    offer: Offer,
    contact: Contact,
    ids: dict[str, Any],
    refused: ActionError | None,
) -> Outcome:
    command = parsed.command
    assert offer.id is not None and contact.id is not None
    if command is None:
        audit.record(
            ctx,
            "lead.note",
            lead_id=offer.lead_id,
            organization_id=offer.organization_id,
            text=parsed.reply_text[:2000],
        )
        _reply(
            ctx,
            "not_understood",
            contact,
            offer,
            {"text": parsed.reply_text[:500]},
            rate_limited=True,
        )
        return Outcome("review", "no clear command: kept as a note", **ids)
    if refused is None:
        try:
            apply_command(ctx, command, offer.id, contact.id)
        except ActionError as exc:
            raise Refused(exc) from exc
        understood = _describe(command)
        _reply(ctx, "reply_confirmation", contact, offer, {"understood": understood, "error": None})
        return Outcome("applied", understood["summary"], **ids)
    if isinstance(refused, QueueBlocked):
        # The pick dialog's explanation, by email: the overdue leads with status buttons.
        explain_queue(ctx, offer.id, contact.id)
        return Outcome("refused", str(refused), {"code": refused.code}, **ids)
    _reply(
        ctx,
        "reply_confirmation",
        contact,
        offer,
        {"understood": _describe(command), "error": str(refused)},
        rate_limited=True,
    )
    return Outcome("refused", str(refused), {"code": refused.code}, **ids)


def apply_command(ctx: ActionContext, command: Command, offer_id: int, contact_id: int) -> None:
    """The same actions as the dialogs."""
    if command.action == "pick":
        pick(ctx, offer_id, contact_id)
    elif command.action == "decline":
        decline(ctx, offer_id, contact_id, command.reason)
    else:
        data = FeedbackIn(
            stage=command.stage or "contacted",
            amount=command.amount,
            currency=command.currency,
            reason=command.reason,
        )
        feedback(ctx, offer_id, contact_id, data)


def _describe(command: Command) -> dict[str, Any]:
    amount = (
        f"{command.amount:,.2f} {command.currency or ''}".strip()
        if command.amount is not None
        else None
    )
    summary: str = command.stage or command.action
    if amount:
        summary += f" {amount}"
    if command.reason:
        summary += f" ({command.reason})"
    return {
        "action": command.action,
        "stage": command.stage,
        "amount": amount,
        "reason": command.reason,
        "summary": summary,
    }


def _reply(
    ctx: ActionContext,
    kind: str,
    contact: Contact,
    offer: Offer,
    extra: dict[str, Any],
    *,
    rate_limited: bool = False,
) -> None:
    """Confirm by email what was understood, with links to correct it. Rejections go out
    at most once per sender and kind a day."""
    if rate_limited and _sent_today(ctx, kind, contact.email):
        return
    lead = ctx.session.get(Lead, offer.lead_id)
    assert lead is not None and offer.id is not None and contact.id is not None
    owner = lead.owner_id == offer.organization_id
    view = leadview.details(lead) if owner else leadview.teaser(lead)
    links = {
        a: ctx.rt.link(offer.id, contact.id, a) for a in ("feedback", "portal", "pick", "decline")
    }
    outbox.queue(
        ctx,
        kind,
        contact,
        {
            "lead": view,
            "links": links,
            **extra,
            "reply_key": ctx.rt.reply_key(offer.id, contact.id),
        },
        lead_id=lead.id,
        offer_id=offer.id,
    )


def _sent_today(ctx: ActionContext, kind: str, address: str) -> bool:
    since = ctx.now - timedelta(days=1)
    return (
        ctx.session.exec(
            select(OutboundEmail.id).where(
                OutboundEmail.kind == kind,
                OutboundEmail.to_addr == address,
                col(OutboundEmail.created_at) >= since,
            )
        ).first()
        is not None
    )
