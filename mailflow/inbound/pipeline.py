"""What happens to one stored message, as a pipeline of named steps in a fixed order.

Read first, outside the transaction (:func:`read`): parse → classify (reply, auto-reply,
bounce) → extract the reply's own text → interpret its command, and the sender evidence.
Then, inside the message's own SAVEPOINT, the steps of :data:`STEPS`, each of which
either answers with the message's :class:`Outcome` or passes it on:

dedupe by Message-ID → our own mail (loop) → bounce → a forwarded deal (to deals@:
:mod:`mailflow.inbound.deals`) → route → auto-reply → verify sender → act
(:mod:`mailflow.inbound.respond`: the actions, then a confirmation; a reply that is not
clearly one command gets a "did you mean …?" question back).

An auto-reply is routed before it is judged, so the review queue shows the offer an
ignored one belonged to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from mailflow.actions.context import ActionContext
from mailflow.i18n import N_
from mailflow.inbound import deals, respond
from mailflow.inbound.known import Known
from mailflow.inbound.outcome import Outcome
from mailflow.inbound.parse import Parsed, parse_message, with_language
from mailflow.inbound.parse.sender import Evidence, read_evidence
from mailflow.inbound.verify import verified_sender
from mailflow.links.signer import TokenExpired, TokenInvalid
from mailflow.models import Contact, Offer, OutboundEmail
from mailflow.models.states import InboundState

if TYPE_CHECKING:
    from mailflow.runtime import Runtime


@dataclass
class Received:
    """One message on its way through the steps; routing fills in the offer and contact."""

    ctx: ActionContext
    id: int
    parsed: Parsed
    evidence: Evidence
    known: Known
    offer: Offer | None = None
    contact: Contact | None = None
    ids: dict[str, Any] = field(default_factory=dict)  # offer, contact, lead for the record


def read(rt: Runtime, raw: bytes, rcpt: list[str], today: date) -> tuple[Parsed, Evidence]:
    """What the message says and who sent it; pure, so it runs before the transaction."""
    parsed = parse_message(raw, rcpt, today)
    ids = rt.settings.inbound_authserv_ids
    return parsed, read_evidence(raw, ids, bounce=parsed.kind == "bounce")


def dedupe(m: Received) -> Outcome | None:
    """The first stored copy of a message wins; later copies (retries, 3× delivery) are dropped."""
    first = m.known.first_copy.get(m.known.keys.get(m.id, ""))
    if first is not None and first != m.id:
        return Outcome.said(
            InboundState.DUPLICATE, N_("same message as #%(first)s"), {"first": first}
        )
    return None


def loop(m: Received) -> Outcome | None:
    """Our own email came back (a forwarding loop, an autoresponder echo): never act on it."""
    if m.parsed.ours or (m.parsed.message_id and m.parsed.message_id in m.known.ours):
        return Outcome(InboundState.IGNORED, N_("our own email came back"))
    return None


def bounce(m: Received) -> Outcome | None:
    return respond.bounce(m.ctx, m.parsed, m.evidence) if m.parsed.kind == "bounce" else None


def deal(m: Received) -> Outcome | None:
    """A customer's email forwarded to deals@: a deal registration, never a reply."""
    if not deals.for_us(m.ctx, m.parsed):
        return None
    return deals.register_forwarded(m.ctx, m.parsed, m.evidence, m.id)


def route(m: Received) -> Outcome | None:
    """The offer and contact the reply key (else the thread) names; else review."""
    routed = find_route(m.ctx, m.parsed)
    if isinstance(routed, Outcome):
        if m.parsed.kind == "auto_reply":
            return Outcome(InboundState.AUTO_REPLY, N_("auto-reply, not routed"))
        return routed
    m.offer, m.contact = m.ctx.session.get(Offer, routed[0]), m.ctx.session.get(Contact, routed[1])
    if m.offer is None or m.contact is None:
        return Outcome(InboundState.REVIEW, N_("the offer of this reply no longer exists"))
    m.ids = {"offer_id": routed[0], "contact_id": routed[1], "lead_id": m.offer.lead_id}
    return None


def auto_reply(m: Received) -> Outcome | None:
    """Auto-replies are never commands; only an out-of-office goes on (it marks away)."""
    if m.parsed.kind == "auto_reply" and not m.parsed.out_of_office:
        return Outcome(InboundState.AUTO_REPLY, N_("auto-reply ignored"), **m.ids)
    return None


def verify_sender(m: Received) -> Outcome | None:
    """An out-of-office too: a stranger's must not set anybody away."""
    assert m.contact is not None
    actor, problem, args = verified_sender(m.ctx, m.evidence, m.contact)
    if actor is None:
        return Outcome.said(InboundState.REVIEW, problem, args, **m.ids)
    m.contact, m.ids["contact_id"], m.ctx.actor = actor, actor.id, f"contact:{actor.id}"
    return None


def act(m: Received) -> Outcome:
    assert m.offer is not None and m.contact is not None
    if m.parsed.kind == "auto_reply":
        return respond.out_of_office(m.ctx, m.parsed, m.offer, m.ids)
    # Read again in the sender's language: a reply too short to tell goes to it, not English.
    parsed = with_language(m.parsed, m.contact.language)
    reading = parsed.interpretation
    if parsed.command is None and reading is not None and reading.candidate is not None:
        return respond.ask(m.ctx, parsed, m.offer, m.contact, m.ids, m.id)
    if parsed.command is None:
        respond.note(m.ctx, parsed, m.offer, m.contact)
        return Outcome(InboundState.REVIEW, N_("no clear command: kept as a note"), **m.ids)
    words = reading.because if reading is not None else ""
    return respond.command(m.ctx, parsed.command, m.offer, m.contact, m.ids, words)


Step = Callable[[Received], Outcome | None]
STEPS: tuple[Step, ...] = (
    dedupe, loop, bounce, deal, route, auto_reply, verify_sender, act
)  # fmt: skip


def run(m: Received) -> Outcome:
    for step in STEPS:
        outcome = step(m)
        if outcome is not None:
            return outcome
    raise AssertionError("the last step always answers")


def find_route(ctx: ActionContext, parsed: Parsed) -> tuple[int, int] | Outcome:
    """(offer, contact) from the reply key (of the reply address or the Message-ID replied
    to), else the subject's code, else the thread; else an Outcome for review."""
    if parsed.reply_key or parsed.reply_code:
        try:
            if parsed.reply_key:
                return ctx.rt.read_reply_key(parsed.reply_key)
            assert parsed.reply_code is not None
            return ctx.rt.signer.read_reply_code(parsed.reply_code)
        except TokenExpired:
            too_old = N_("the email answered is too old")
            return Outcome(InboundState.REFUSED, too_old, {"expired": True})
        except TokenInvalid:
            return Outcome(InboundState.REVIEW, N_("forged or damaged reply address"))
    if parsed.thread_ids:
        found = ctx.session.exec(
            select(OutboundEmail)
            .where(
                col(OutboundEmail.message_id).in_(parsed.thread_ids),
                col(OutboundEmail.offer_id).is_not(None),
            )
            .order_by(col(OutboundEmail.id).desc())
        ).first()
        if found is not None and found.offer_id and found.contact_id:
            return found.offer_id, found.contact_id
    return Outcome(InboundState.REVIEW, N_("no reply address and not a reply to one of our emails"))
