"""The processing job: one per stored message, idempotent, and it takes what else waits.

A job claims its message and up to ``BATCH - 1`` other fresh ones (:mod:`.claim`), reads
them outside the write transaction, then runs each through the pipeline
(:mod:`.pipeline`) in its own SAVEPOINT of one transaction: the action, the confirmation
email and the message's final state commit together, so a message is applied at most
once even when two jobs are sent for it. The job of a message another job has taken, or
finished, ends at once. A message that raises is rolled back alone while the others
commit; its claim is released so the job's retry can take it at once. A message that was
tried before is processed alone, so a message that kills its worker cannot take others
down with it twice; after ``MAX_ATTEMPTS`` it is set aside for the review queue."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mailflow.actions import Units, units
from mailflow.actions.inbound.claim import BATCH, MAX_ATTEMPTS, claim, claimable, record, release
from mailflow.i18n import N_
from mailflow.inbound.known import Known, prefetch
from mailflow.inbound.outcome import Outcome
from mailflow.inbound.parse import Parsed
from mailflow.inbound.parse.sender import Evidence
from mailflow.inbound.pipeline import Received, read, run
from mailflow.models.states import InboundState

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass
class Claimed:
    id: int
    attempts: int
    understood: tuple[Parsed, Evidence] | None  # None after MAX_ATTEMPTS tries: set aside


@dataclass
class Processed:
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    failed: list[int] = field(default_factory=list)  # raised; rolled back and released for a retry


class ProcessingFailed(Exception):
    """Messages raised while processed; each was rolled back alone and stays for a retry."""


def job(rt: Runtime, inbound_id: int) -> None:
    """The ``process_inbound`` job of a stored message (with the fresh ones it takes along).

    The others committed; a message that failed is retried by a job of its own: this job's
    retry when it is this job's message, else a new job for it (its first job may have
    ended already, finding it held by this one), whose retries then take it alone."""
    failed = process_batch(rt, inbound_id).failed
    for other in failed:
        if other != inbound_id:
            rt.enqueue("process_inbound", other)
    if inbound_id in failed:
        raise ProcessingFailed(f"inbound message #{inbound_id} failed; it will be retried")


def process(rt: Runtime, inbound_id: int) -> Outcome | None:
    """Run the pipeline for one message; None when someone else holds it or it is done."""
    done = process_batch(rt, inbound_id, batch=1)
    if done.failed:
        raise ProcessingFailed(f"inbound message #{inbound_id} failed; it will be retried")
    return done.outcomes.get(inbound_id)


def process_batch(rt: Runtime, inbound_id: int, batch: int = BATCH) -> Processed:
    """``inbound_id`` and, when it was never tried, up to ``batch - 1`` fresh others."""
    attempts = claimable(rt, inbound_id)
    if attempts is None:
        return Processed()
    done = Processed()
    claimed, failures = _read_claimed(rt, inbound_id, batch if attempts == 0 else 1)
    if claimed:
        with units(rt) as batch_units:
            parsed = {c.id: c.understood[0] for c in claimed if c.understood is not None}
            known = prefetch(batch_units.session, rt, parsed)
            for item in claimed:
                try:
                    done.outcomes[item.id] = _apply(batch_units, item, known)
                except Exception as exc:  # rolled back alone; the others go on
                    log.exception("inbound message #%s failed (try %s)", item.id, item.attempts)
                    failures.append((item.id, item.attempts, exc))
    for row_id, tries, error in failures:
        if tries >= MAX_ATTEMPTS:
            args = {"tries": MAX_ATTEMPTS, "error": type(error).__name__}
            failed = Outcome.said(
                InboundState.FAILED, N_("set aside after %(tries)s tries (%(error)s)"), args
            )
            done.outcomes[row_id] = _set_aside(rt, row_id, failed)
        else:
            release(rt, row_id)
            done.failed.append(row_id)
    return done


def _read_claimed(
    rt: Runtime, inbound_id: int, batch: int
) -> tuple[list[Claimed], list[tuple[int, int, Exception]]]:
    """The claimed messages, read; and those that crashed the parser (id, tries, error)."""
    today = rt.clock.now().date()
    claimed: list[Claimed] = []
    failures: list[tuple[int, int, Exception]] = []
    for row_id, tries, rcpt, raw in claim(rt, inbound_id, batch):
        if tries > MAX_ATTEMPTS:  # earlier tries died with their worker
            claimed.append(Claimed(row_id, tries, None))
            continue
        try:
            claimed.append(Claimed(row_id, tries, read(rt, raw, rcpt, today)))
        except Exception as exc:  # a message that crashes the parser must not stop the others
            log.exception("inbound message #%s could not be parsed (try %s)", row_id, tries)
            failures.append((row_id, tries, exc))
    return claimed, failures


def _apply(batch_units: Units, item: Claimed, known: Known) -> Outcome:
    """One message in its own unit (SAVEPOINT)."""
    with batch_units.unit("inbound", "email") as ctx:
        if item.understood is None:
            outcome = Outcome.said(
                InboundState.FAILED, N_("set aside after %(tries)s tries"), {"tries": MAX_ATTEMPTS}
            )
        else:
            outcome = run(Received(ctx, item.id, *item.understood, known))
        record(ctx.session, item.id, outcome, ctx.now, item.understood)
    return outcome


def _set_aside(rt: Runtime, row_id: int, outcome: Outcome) -> Outcome:
    with rt.db.transaction() as s:
        record(s, row_id, outcome, rt.clock.now())
    return outcome
