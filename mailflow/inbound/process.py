"""Processing stored messages, as a job, in a fixed order:

(on SQLite: move in from the spool) → claim → parse → dedupe → our own mail (loop) →
bounce → auto-reply → route → verify sender → interpret → act through the same actions as
the dialogs → confirm by email.

A job claims its message and up to ``BATCH - 1`` other fresh ones with one committed
UPDATE (so every try counts even when the process dies), parses them outside the write
lock, then runs them in one transaction, each in its own SAVEPOINT: the action, the
confirmation email and the message's final state commit together, so a message is
applied at most once even when it is processed twice, and a message that raises is
rolled back alone while the others commit; its claim is released so the job's retry
can take it at once. When the action refuses the command, the message's unit is rolled
back and run again to record the refusal (see ``handle.Refused``). A message that was
tried before is processed alone, so a message
that kills its worker cannot take others down with it twice; after ``MAX_ATTEMPTS``
it is set aside for the review queue.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, bindparam, func, or_, update
from sqlmodel import Session, col, select

from mailflow import prepared
from mailflow.actions import ActionContext, ActionError, Units, units
from mailflow.inbound import spool
from mailflow.inbound.parse import Parsed, parse_message
from mailflow.inbound.sender import Evidence, read_evidence
from mailflow.models import Contact, InboundEmail, Lead, Offer, Organization, OutboundEmail
from mailflow.tokens import TokenExpired, TokenInvalid

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
LEASE = timedelta(minutes=5)
BATCH = 50  # messages per processing transaction at most


@dataclass
class Outcome:
    state: str  # applied | refused | review | duplicate | ignored | bounce | auto_reply | failed
    reason: str
    data: dict[str, Any] = field(default_factory=dict)
    offer_id: int | None = None
    contact_id: int | None = None
    lead_id: int | None = None


@dataclass
class Claimed:
    id: int
    attempts: int
    parsed: Parsed | None  # None once it has had MAX_ATTEMPTS tries: it is not looked at again
    evidence: Evidence | None = None  # who sent it, what a bounce proves (with ``parsed``)


@dataclass
class Processed:
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    failed: list[int] = field(default_factory=list)  # raised; rolled back and released for a retry


class ProcessingFailed(Exception):
    """Messages raised while processed; each was rolled back alone and stays for a retry."""


def process(rt: Runtime, inbound_id: int) -> Outcome | None:
    """Run the pipeline for one message; None when someone else holds it or it is done."""
    done = process_batch(rt, inbound_id, batch=1)
    if done.failed:
        raise ProcessingFailed(f"inbound message #{inbound_id} failed; it will be retried")
    return done.outcomes.get(inbound_id)


_FRESH = (  # stored, not taken by a job, never tried
    col(InboundEmail.state) == "received",
    col(InboundEmail.claimed_at).is_(None),
    col(InboundEmail.attempts) == 0,
)
WAKE_FLAG = "process_inbound"  # raised while a processing job is queued or draining
DRAIN_BATCHES = 40  # a job hands over to a new one after this many batches


def wake(rt: Runtime, inbound_id: int) -> None:
    """After a message is stored: queue a processing job, unless one is queued or at
    work; that one drains every fresh message, this one included."""
    rt.enqueue("process_inbound", inbound_id, wake_flag=WAKE_FLAG)


def drain(rt: Runtime, inbound_id: int) -> list[int]:
    """The job: ``inbound_id`` (with the fresh messages it takes along), then batch after
    batch of fresh messages until none is left; returns the ids that failed (rolled back
    and released for a retry). Messages tried before wait for their own job's retry or
    the sweep, so a message that fails again and again cannot keep a job busy.

    The wake-up flag stays raised while the job drains, so messages stored meanwhile
    send no job of their own (it would only wait for the write lock). Finding nothing
    left, the job lowers the flag and looks once more: a message stored just before
    then goes to this job if it can raise the flag again, else to the job its store
    sent."""
    failed: list[int] = []
    waiting = len(_fresh(rt))  # fresh ones waiting, once the spool is moved in
    following, fresh = inbound_id, _claimable(rt, inbound_id) == 0
    for _ in range(DRAIN_BATCHES):
        if fresh and waiting < BATCH:
            linger(rt)
            spool.move_in(rt)
        failed += process_batch(rt, following, move=False).failed
        found = _fresh(rt)
        if not found:
            found = _last_look(rt)
            if not found:
                return failed
        elif rt.queue is not None:
            rt.queue.keep(WAKE_FLAG)
        following, fresh, waiting = found[0], True, len(found)
    rt.enqueue("process_inbound", following)  # a long stream: a new job goes on (time limit)
    return failed


def _last_look(rt: Runtime) -> list[int]:
    if rt.queue is None:
        return []
    rt.queue.lower(WAKE_FLAG)  # what is stored from now on sends a new job
    found = _fresh(rt)
    if found and rt.queue.hold(WAKE_FLAG):
        return found
    return []  # nothing left, or the job of a message stored meanwhile takes it


_FRESH_IDS = (
    select(InboundEmail.id).where(*_FRESH).order_by(col(InboundEmail.id)).limit(bindparam("b_n"))
)


def _fresh(rt: Runtime) -> list[int]:
    """The oldest fresh messages, a batch at most (spooled ones moved in first)."""
    spool.move_in(rt)
    with rt.db.read() as s:
        return list(s.connection().execute(_FRESH_IDS, {"b_n": BATCH}).scalars())


def linger(rt: Runtime) -> None:
    """Before a fresh batch that is not full yet, wait ``inbound_linger_ms``: replies
    that arrive meanwhile are applied in the same transaction. Under a stream of replies
    (a campaign's offers answered at once) one transaction then applies many messages
    instead of one or two each; a single reply is applied a few milliseconds later."""
    if rt.settings.inbound_linger_ms:
        time.sleep(rt.settings.inbound_linger_ms / 1000)


def process_batch(
    rt: Runtime, inbound_id: int, batch: int | None = None, *, move: bool = True
) -> Processed:
    """``inbound_id`` and, when it is fresh, up to ``batch - 1`` other fresh messages;
    first the spooled messages are moved in, unless the caller (``move=False``) just did."""
    batch = batch or BATCH
    if move:
        spool.move_in(rt)
    attempts = _claimable(rt, inbound_id)
    if attempts is None:
        return Processed()
    today = rt.clock.now().date()
    done = Processed()
    claimed: list[Claimed] = []
    failures: list[tuple[int, int, Exception]] = []  # (id, tries, error)
    for row_id, tries, rcpt, raw in _claim(rt, inbound_id, batch if attempts == 0 else 1):
        if tries > MAX_ATTEMPTS:  # earlier tries died with their worker
            claimed.append(Claimed(row_id, tries, None))
            continue
        try:
            claimed.append(_parse(rt, row_id, tries, raw, rcpt, today))
        except Exception as exc:  # a message that crashes the parser must not stop the others
            log.exception("inbound message #%s could not be parsed (try %s)", row_id, tries)
            failures.append((row_id, tries, exc))
    if claimed:
        with units(rt) as batch_units:
            known = _prefetch(batch_units.session, rt, claimed)
            for item in claimed:
                try:
                    outcome = _apply(batch_units, item, known)
                except Exception as exc:  # rolled back alone; the others go on
                    log.exception("inbound message #%s failed (try %s)", item.id, item.attempts)
                    failures.append((item.id, item.attempts, exc))
                    continue
                done.outcomes[item.id] = outcome
    for row_id, tries, error in failures:
        if tries >= MAX_ATTEMPTS:
            reason = f"set aside after {MAX_ATTEMPTS} tries ({type(error).__name__})"
            done.outcomes[row_id] = _finish_alone(rt, row_id, Outcome("failed", reason))
        else:
            _release(rt, row_id)  # the job's retry (or the sweep) may claim it again at once
            done.failed.append(row_id)
    return done


def _parse(
    rt: Runtime, row_id: int, tries: int, raw: bytes, rcpt: list[str], today: date
) -> Claimed:
    parsed = parse_message(raw, rcpt, today)
    ids = rt.settings.inbound_authserv_ids
    evidence = read_evidence(raw, ids, bounce=parsed.kind == "bounce")
    return Claimed(row_id, tries, parsed, evidence)


def _apply(batch_units: Units, item: Claimed, known: _Known) -> Outcome:
    """One message in its own unit (SAVEPOINT). When the action refuses the command, the
    unit is rolled back (with what the action wrote before it refused) and run again to
    record the refusal (``handle.Refused``)."""
    from mailflow.inbound.handle import Refused  # it builds on this module

    try:
        return _unit(batch_units, item, known, None)
    except Refused as exc:
        return _unit(batch_units, item, known, exc.error)


def _unit(batch_units: Units, item: Claimed, known: _Known, refused: ActionError | None) -> Outcome:
    from mailflow.inbound.handle import dispatch

    with batch_units.unit("inbound", "email") as ctx:
        if item.parsed is None or item.evidence is None:
            outcome = Outcome("failed", f"set aside after {MAX_ATTEMPTS} tries")
        else:
            outcome = (
                _dedupe(item.id, known)
                or _loop(item.parsed, known)
                or dispatch(ctx, item.parsed, item.evidence, refused)
            )
        _record(ctx.session, item.id, outcome, item.parsed, ctx.now, item.evidence)
    return outcome


_CLAIMABLE = select(InboundEmail.state, InboundEmail.claimed_at, InboundEmail.attempts).where(
    col(InboundEmail.id) == bindparam("b_id")
)


def _claimable(rt: Runtime, inbound_id: int) -> int | None:
    """Its tries so far when the message waits for processing; a read, so the jobs of
    messages another job already took cost no write lock."""
    with rt.db.read() as s:
        row = s.connection().execute(_CLAIMABLE, {"b_id": inbound_id}).first()
    if row is None or row[0] != "received":
        return None
    if row[1] is not None and row[1] >= rt.clock.now() - LEASE:
        return None
    return int(row[2])


# Statements prepared once: for a batch of one, building them cost more than running them.
_OTHERS_FRESH = (
    select(InboundEmail.id)
    .where(*_FRESH, col(InboundEmail.id) != bindparam("b_id"))
    .order_by(col(InboundEmail.id))
    .limit(bindparam("b_limit"))
    .with_for_update(skip_locked=True)
)
_CLAIM = (
    update(InboundEmail)
    .where(
        col(InboundEmail.id).in_(bindparam("b_ids", expanding=True)),
        col(InboundEmail.state) == "received",
        or_(
            col(InboundEmail.claimed_at).is_(None),
            col(InboundEmail.claimed_at) < bindparam("b_stale"),
        ),
    )
    .values(attempts=InboundEmail.attempts + 1, claimed_at=bindparam("b_now"))
    .returning(
        col(InboundEmail.id),
        col(InboundEmail.attempts),
        col(InboundEmail.rcpt_to),
        col(InboundEmail.raw),
    )
)
_KEYS = select(InboundEmail.id, InboundEmail.message_id, InboundEmail.sha256).where(
    col(InboundEmail.id).in_(bindparam("b_ids", expanding=True))
)
_FIRST_COPIES = {
    name: select(column, func.min(InboundEmail.id))
    .where(column.in_(bindparam("b_keys", expanding=True)))
    .group_by(column)
    for name, column in (
        ("message_id", col(InboundEmail.message_id)),
        ("sha256", col(InboundEmail.sha256)),
    )
}
_OURS = select(OutboundEmail.message_id).where(
    col(OutboundEmail.message_id).in_(bindparam("b_ids", expanding=True))
)
_ROUTES = (
    select(Offer, Lead, Organization)
    .join(Lead, col(Lead.id) == Offer.lead_id)
    .join(Organization, col(Organization.id) == Offer.organization_id)
    .where(col(Offer.id).in_(bindparam("b_ids", expanding=True)))
)
_CONTACTS = select(Contact).where(col(Contact.id).in_(bindparam("b_ids", expanding=True)))


def _claim(rt: Runtime, inbound_id: int, batch: int) -> list[tuple[int, int, list[str], bytes]]:
    now = rt.clock.now()
    with rt.db.transaction() as s:
        conn = s.connection()
        ids = [inbound_id]
        if batch > 1:
            others = {"b_id": inbound_id, "b_limit": batch - 1}
            ids += conn.execute(_OTHERS_FRESH, others).scalars()
        params = {"b_ids": ids, "b_stale": now - LEASE, "b_now": now}
        rows: list[Any] = list(conn.execute(_CLAIM, params).all())
    return sorted((r[0], r[1], list(r[2] or []), r[3] or b"") for r in rows)


@dataclass
class _Known:
    first_copy: dict[str, int]  # Message-ID (or raw hash) → the first stored copy's id
    keys: dict[int, str]  # claimed id → its dedupe key
    ours: set[str]  # Message-IDs among the batch that are our own emails'
    loaded: list[Any]  # rows the session's identity map must keep (it only holds weak refs)


def _prefetch(session: Session, rt: Runtime, claimed: list[Claimed]) -> _Known:
    """What every message of the batch needs, in a few queries instead of a few each:
    the first copy of each message, which Message-IDs are our own, and the offers,
    leads and contacts the replies route to."""
    conn = session.connection()
    rows = conn.execute(_KEYS, {"b_ids": [c.id for c in claimed]}).all()
    keys = {row_id: message_id or sha256 for row_id, message_id, sha256 in rows}
    first_copy: dict[str, int] = {}
    for name, values in (
        ("message_id", {m for _, m, _ in rows if m}),
        ("sha256", {h for _, m, h in rows if not m}),
    ):
        if values:
            found: list[Any] = list(conn.execute(_FIRST_COPIES[name], {"b_keys": list(values)}))
            first_copy.update((key, first) for key, first in found)
    message_ids = [c.parsed.message_id for c in claimed if c.parsed and c.parsed.message_id]
    ours: set[str] = set()
    if message_ids:
        ours = set(conn.execute(_OURS, {"b_ids": message_ids}).scalars())
    return _Known(first_copy, keys, ours, _load_routes(session, rt, claimed))


def _load_routes(session: Session, rt: Runtime, claimed: list[Claimed]) -> list[Any]:
    """Load the offers, leads, partners and contacts named by reply keys into the session,
    so the pipeline's and the actions' own lookups find them without a query each."""
    offer_ids, contact_ids = set(), set()
    for item in claimed:
        if item.parsed is None or not item.parsed.reply_key:
            continue
        try:
            offer_id, contact_id = rt.read_reply_key(item.parsed.reply_key)
        except (TokenExpired, TokenInvalid):
            continue
        offer_ids.add(offer_id)
        contact_ids.add(contact_id)
    if not offer_ids:
        return []
    rows = session.execute(_ROUTES, {"b_ids": list(offer_ids)}).all()
    contacts = session.execute(_CONTACTS, {"b_ids": list(contact_ids)}).scalars().all()
    return [*rows, *contacts]


def _dedupe(row_id: int, known: _Known) -> Outcome | None:
    """The first stored copy of a message wins; later copies (retries, 3× delivery) are dropped."""
    first = known.first_copy.get(known.keys.get(row_id, ""))
    if first is not None and first != row_id:
        return Outcome("duplicate", f"same message as #{first}", {"first": first})
    return None


def _loop(parsed: Parsed, known: _Known) -> Outcome | None:
    """Our own email came back (a forwarding loop, an autoresponder echo): never act on it."""
    if parsed.ours or (parsed.message_id and parsed.message_id in known.ours):
        return Outcome("ignored", "our own email came back")
    return None


_RECORD = (
    update(InboundEmail)
    .where(col(InboundEmail.id) == bindparam("b_id"))
    .values(
        state=bindparam("b_state"),
        processed_at=bindparam("b_now"),
        lead_id=func.coalesce(bindparam("b_lead", type_=Integer), InboundEmail.lead_id),
        offer_id=func.coalesce(bindparam("b_offer", type_=Integer), InboundEmail.offer_id),
        contact_id=func.coalesce(bindparam("b_contact", type_=Integer), InboundEmail.contact_id),
        outcome=bindparam("b_outcome"),
    )
)


def _record(
    session: Session,
    row_id: int,
    outcome: Outcome,
    parsed: Parsed | None,
    now: datetime,
    evidence: Evidence | None = None,
) -> None:
    """The message's final state, what was understood and the sender check's verdict,
    with one prepared UPDATE."""
    summary: dict[str, Any] = {"reason": outcome.reason, **outcome.data}
    if parsed is not None:
        summary.update(parsed.as_json())
        summary["from"] = parsed.from_addr
        summary["subject"] = parsed.subject
        summary["reply_text"] = parsed.reply_text[:4000]
    if evidence is not None:
        summary.update(evidence.facts())
    params = {
        "b_id": row_id,
        "b_state": outcome.state,
        "b_now": now,
        "b_lead": outcome.lead_id or None,
        "b_offer": outcome.offer_id or None,
        "b_contact": outcome.contact_id or None,
        "b_outcome": summary,
    }
    session.flush()
    prepared.run(session.connection(), _RECORD, params)


def _release(rt: Runtime, row_id: int) -> None:
    with rt.db.transaction() as s:
        s.exec(
            update(InboundEmail)
            .where(col(InboundEmail.id) == row_id, col(InboundEmail.state) == "received")
            .values(claimed_at=None)
        )


def _finish_alone(rt: Runtime, row_id: int, outcome: Outcome) -> Outcome:
    with rt.db.transaction() as s:
        _record(s, row_id, outcome, None, rt.clock.now())
    return outcome


def route(ctx: ActionContext, parsed: Parsed) -> tuple[int, int] | Outcome:
    """(offer, contact) from the reply key, else from the thread; else an Outcome for review."""
    if parsed.reply_key:
        try:
            return ctx.rt.read_reply_key(parsed.reply_key)
        except TokenExpired:
            return Outcome("refused", "the email answered is too old", {"expired": True})
        except TokenInvalid:
            return Outcome("review", "forged or damaged reply address")
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
    return Outcome("review", "no reply address and not a reply to one of our emails")
