"""The end of the pipeline: act on what a message says through the same actions as the
dialogs, and answer the partner by email with what was understood, or why not.

A refusal (the offer was taken meanwhile, the queue is blocked) is a normal outcome: the
action runs in a SAVEPOINT that is rolled back with whatever it wrote before it refused
(a pick claims the lead, then the offer), and the refusal is recorded and told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlmodel import col, select

from mailflow.actions import audit, savepoint
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError, QueueBlocked
from mailflow.actions.inbound.asked import CHOICES
from mailflow.actions.inbound.bounce import record_bounce
from mailflow.actions.leads.queue_gate import explain_queue
from mailflow.actions.leads.respond import Answer, act
from mailflow.actions.outbound import outbox
from mailflow.actions.partners.away import away_by_mail
from mailflow.i18n import N_
from mailflow.inbound.outcome import Outcome
from mailflow.inbound.parse import Parsed
from mailflow.inbound.parse.sender import Evidence
from mailflow.links.signer import TokenInvalid
from mailflow.mail import messages
from mailflow.models import Contact, Lead, Offer, OutboundEmail
from mailflow.models.states import InboundState, OfferState
from mailflow.rules.command import Command, as_json, readings
from mailflow.rules.note import Note


def bounce(ctx: ActionContext, parsed: Parsed, evidence: Evidence) -> Outcome:
    found = parsed.bounce
    assert found is not None
    named = evidence.bounced(found)
    result = record_bounce(
        ctx, _bounced_emails(ctx, parsed, evidence), named, hard=found.hard, status=found.status
    )
    recipient = ", ".join(sorted(named)[:3]) or Note(N_("unknown recipient"))
    if result.ignored is not None:
        return Outcome.said(
            InboundState.IGNORED,
            N_("bounce for %(recipient)s not acted on: %(why)s"),
            {"recipient": recipient, "why": result.ignored},
        )
    return Outcome.said(
        "bounce",
        N_("hard bounce for %(recipient)s") if found.hard else N_("soft bounce for %(recipient)s"),
        {"recipient": recipient},
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


def out_of_office(ctx: ActionContext, parsed: Parsed, offer: Offer, ids: dict[str, Any]) -> Outcome:
    """Never a command, never answered; it moves an open offer on and pauses the partner's
    offers until the date it names, capped: an away period of the contact who sent it
    (see :func:`away_by_mail`)."""
    named = None
    if parsed.away_until is not None:
        named = datetime.combine(parsed.away_until, time(0, 0), tzinfo=UTC)
    if offer.state != OfferState.OPEN:
        return Outcome(InboundState.AUTO_REPLY, N_("out of office"), {"away_until": None}, **ids)
    assert offer.id is not None
    away = away_by_mail(ctx, offer.id, named, ids["contact_id"])
    data: dict[str, Any] = {"away_until": away.until.isoformat() if away.until else None}
    if away.asked is not None:
        data["away_asked"] = away.asked.isoformat()
    moved = away.offer.state == OfferState.AWAY
    if away.asked is None:
        said = N_("out of office: offer moved on") if moved else N_("out of office")
        return Outcome.said("auto_reply", said, {}, data, **ids)
    said = (
        N_("out of office: offer moved on (capped; it named %(date)s)")
        if moved
        else N_("out of office (capped; it named %(date)s)")
    )
    return Outcome.said("auto_reply", said, {"date": away.asked.date().isoformat()}, data, **ids)


def note(ctx: ActionContext, parsed: Parsed, offer: Offer, contact: Contact) -> None:
    """A reply without a clear command: kept on the lead, and the partner asked back."""
    audit.record(
        ctx,
        "lead.note",
        lead_id=offer.lead_id,
        organization_id=offer.organization_id,
        text=parsed.reply_text[:2000],
    )
    text = parsed.reply_text[:500]

    def asked_back(lead: Lead) -> dict[str, Any]:
        return messages.not_understood(ctx.rt, lead, offer, contact, text)

    _reply(ctx, "not_understood", contact, offer, asked_back, rate_limited=True)


def command(
    ctx: ActionContext,
    command: Command,
    offer: Offer,
    contact: Contact,
    ids: dict[str, Any],
    words: str = "",
) -> Outcome:
    """Apply the command and confirm it; or record the refusal and tell the partner why.

    One email per command: when the action writes to the partner itself (the pick's
    details, the decline's and the report's acknowledgement), that email says what the
    reply was understood as, quoting ``words``; else a confirmation says it."""
    assert offer.id is not None and contact.id is not None
    understood = _describe(command, words)
    heard = {k: v for k, v in understood.items() if k != "summary"}
    outbox.annotate_next(ctx, contact.id, "heard", heard)
    try:
        refused = _attempt(ctx, command, offer.id, contact.id)
    finally:
        taken = outbox.annotation_taken(ctx, contact.id, "heard")
    if refused is None:
        if not taken:

            def confirmed(lead: Lead) -> dict[str, Any]:
                return messages.reply_confirmation(ctx.rt, lead, offer, contact, understood, None)

            _reply(ctx, "reply_confirmation", contact, offer, confirmed)
        # the summary in English for the logs; a reader sees the command understood
        applied = {"why": N_("applied as understood"), "why_args": {}}
        return Outcome(InboundState.APPLIED, understood["summary"], applied, **ids)
    if isinstance(refused, QueueBlocked):
        # The pick dialog's explanation, by email: the overdue leads with status buttons.
        explain_queue(ctx, offer.id, contact.id)
    else:
        error = str(refused)

        def refusal(lead: Lead) -> dict[str, Any]:
            return messages.reply_confirmation(
                ctx.rt, lead, offer, contact, _describe(command, words), error
            )

        _reply(ctx, "reply_confirmation", contact, offer, refusal, rate_limited=True)
    return Outcome(InboundState.REFUSED, str(refused), {"code": refused.code}, **ids)


def ask(
    ctx: ActionContext,
    parsed: Parsed,
    offer: Offer,
    contact: Contact,
    ids: dict[str, Any],
    inbound_id: int,
) -> Outcome:
    """Not sure what the reply means: nothing is applied; the partner gets its likely
    readings as one-click choices, and the message waits for the choice."""
    reading = parsed.interpretation
    assert reading is not None
    choices = readings(reading.candidate, reading.alternatives, CHOICES)
    text, words = parsed.reply_text[:500], reading.because[:200]

    def question(lead: Lead) -> dict[str, Any]:
        return messages.did_you_mean(ctx.rt, lead, offer, contact, inbound_id, text, words, choices)

    _reply(ctx, "did_you_mean", contact, offer, question)
    data = {
        "choices": [as_json(c) for c in choices],
        "because": words,
        "note": reading.note or None,
        "confidence": round(reading.confidence, 2),
        "language": reading.language,
    }
    return Outcome(
        InboundState.ASKED, N_("not clearly one command: the partner was asked"), data, **ids
    )


def _attempt(
    ctx: ActionContext, command: Command, offer_id: int, contact_id: int
) -> ActionError | None:
    """Run the command in a SAVEPOINT; the refusal, with what it wrote undone, else None."""
    emails, jobs = len(ctx.outbox), len(ctx.jobs)
    try:
        with savepoint(ctx.session):
            act(ctx, offer_id, contact_id, Answer.spoken(command))
    except ActionError as refusal:
        if not refusal.keeps_writes:
            del ctx.outbox[emails:], ctx.jobs[jobs:]  # rolled back: nothing to send for them
        return refusal
    return None


def _describe(command: Command, words: str = "") -> dict[str, Any]:
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
    return {  # amount and currency apart: the email formats them in the reader's locale
        "action": command.action,
        "stage": command.stage,
        "amount": str(command.amount) if command.amount is not None else None,
        "currency": command.currency,
        "reason": command.reason,
        "summary": summary,
        "words": words[:200],  # the partner's decisive words, quoted back
    }


def _reply(
    ctx: ActionContext,
    kind: str,
    contact: Contact,
    offer: Offer,
    context: Callable[[Lead], dict[str, Any]],
    *,
    rate_limited: bool = False,
) -> None:
    """Confirm by email what was understood, with links to correct it. Rejections go out
    at most once per sender and kind a day."""
    if rate_limited and _sent_today(ctx, kind, contact.email):
        return
    lead = ctx.session.get(Lead, offer.lead_id)
    assert lead is not None
    outbox.queue(ctx, kind, contact, context(lead), lead_id=lead.id, offer_id=offer.id)


def _sent_today(ctx: ActionContext, kind: str, address: str) -> bool:
    since = ctx.now - timedelta(days=1)
    query = select(OutboundEmail.id).where(
        OutboundEmail.kind == kind,
        OutboundEmail.to_addr == address,
        col(OutboundEmail.created_at) >= since,
    )
    return ctx.session.exec(query).first() is not None
