"""What a parsed message does, inside the processing transaction: bounce, auto-reply,
or a partner's reply that is routed, verified, interpreted, applied and confirmed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlmodel import col, func, select

from mailflow import audit, leadview
from mailflow.actions.away import away_by_mail
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
from mailflow.inbound.sender import Evidence
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


def dispatch(
    ctx: ActionContext, parsed: Parsed, evidence: Evidence, refused: ActionError | None = None
) -> Outcome:
    """The reply's outcome; ``evidence``: who sent it and what a bounce proves, read
    strictly from the raw message; ``refused``: the action refused its command on a first
    run (see :class:`Refused`)."""
    if parsed.kind == "bounce":
        return _bounce(ctx, parsed, evidence)
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
    if parsed.kind == "auto_reply" and not parsed.out_of_office:
        return Outcome("auto_reply", "auto-reply ignored", **ids)
    actor, problem = _verified_sender(ctx, evidence, contact)
    if actor is None:  # an out-of-office too: a stranger's must not set anybody away
        return Outcome("review", problem, **ids)
    ids["contact_id"] = actor.id
    ctx.actor = f"contact:{actor.id}"
    if parsed.kind == "auto_reply":
        return _out_of_office(ctx, parsed, offer, ids)
    return _act(ctx, parsed, offer, actor, ids, refused)


def _bounce(ctx: ActionContext, parsed: Parsed, evidence: Evidence) -> Outcome:
    bounce = parsed.bounce
    assert bounce is not None
    named = evidence.bounced(bounce)
    result = record_bounce(
        ctx, _bounced_emails(ctx, parsed, evidence), named, hard=bounce.hard, status=bounce.status
    )
    recipient = ", ".join(sorted(named)[:3]) or "unknown recipient"
    if result.ignored is not None:
        return Outcome("ignored", f"bounce for {recipient} not acted on: {result.ignored}")
    kind = "hard" if bounce.hard else "soft"
    return Outcome(
        "bounce",
        f"{kind} bounce for {recipient}",
        {"undeliverable": result.undeliverable, "offer_moved": result.offer_moved},
        contact_id=result.contact_id,
    )


def _bounced_emails(ctx: ActionContext, parsed: Parsed, evidence: Evidence) -> set[int]:
    """The emails of ours a bounce names: by the VERP key of the address it came to, by
    the Message-ID of the message it returns, or by the thread it answers."""
    found: set[int] = set()
    for key in parsed.bounce_keys[:10]:
        try:
            found.add(ctx.rt.signer.read_bounce_key(key))
        except TokenInvalid:
            continue
    message_ids = {*evidence.returned_ids, *parsed.thread_ids}
    if message_ids:
        query = select(OutboundEmail.id).where(col(OutboundEmail.message_id).in_(message_ids))
        found.update(i for i in ctx.session.exec(query) if i is not None)
    return found


def _out_of_office(
    ctx: ActionContext, parsed: Parsed, offer: Offer, ids: dict[str, Any]
) -> Outcome:
    """Never a command, never answered; it moves an open offer on and marks the partner
    away until the date it names, capped (see :func:`away_by_mail`)."""
    named = None
    if parsed.away_until is not None:
        named = datetime.combine(parsed.away_until, time(0, 0), tzinfo=UTC)
    if offer.state != "open":
        return Outcome("auto_reply", "out of office", {"away_until": None}, **ids)
    assert offer.id is not None
    away = away_by_mail(ctx, offer.id, named)
    data: dict[str, Any] = {"away_until": away.until.isoformat() if away.until else None}
    if away.asked is not None:
        data["away_asked"] = away.asked.isoformat()
    moved = away.offer.state == "away"
    capped = f" (capped; it named {away.asked.date()})" if away.asked else ""
    return Outcome(
        "auto_reply", "out of office" + (": offer moved on" if moved else "") + capped, data, **ids
    )


def _verified_sender(
    ctx: ActionContext, evidence: Evidence, contact: Contact
) -> tuple[Contact | None, str]:
    """The sender must be the contact, or another contact of the same partner: its one
    From mailbox, read strictly; a Sender header, when there is one, must be such a
    contact too; and behind a checking MTA, DMARC/DKIM/SPF must vouch for its domain.
    Returns the contact, or None and why not."""
    sender = evidence.sender
    if sender.address is None:
        return None, f"sender not verified: {sender.problem}"
    actor = _partner_contact(ctx, contact, sender.address)
    if actor is None:
        return None, f"sender {sender.address} is not a contact of the partner"
    behalf = evidence.on_behalf
    if behalf is not None and behalf.address != sender.address:
        if behalf.address is None:
            return None, f"sender not verified: {behalf.problem}"
        if _partner_contact(ctx, contact, behalf.address) is None:
            return None, f"Sender {behalf.address} is not a contact of the partner"
    if not evidence.auth.passed:
        return None, f"sender not verified: {evidence.auth.reason}"
    return actor, ""


def _partner_contact(ctx: ActionContext, contact: Contact, address: str) -> Contact | None:
    if address == contact.email.lower():
        return contact
    return ctx.session.exec(
        select(Contact).where(
            Contact.organization_id == contact.organization_id,
            func.lower(Contact.email) == address,
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
