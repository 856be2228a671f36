"""The periodic sweeps: find due work in the database and hand each item to an action.

The state lives in columns (``offer.expires_at``, ``offer.remind_at``,
``lead.next_reminder_at``), never in delayed broker messages, so a dead worker or a
restarted Redis loses nothing: the next sweep finds the same rows. Each item is its own
transaction, and each action claims its row (the lead's row locked before its offers on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite, conditional UPDATEs on both), so two sweeps
running at once move every offer once. An item whose transaction lost a race (a deadlock)
is run again, and left to the next sweep after a few tries; the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from mailflow.actions import unit
from mailflow.actions.deals import exclusivity
from mailflow.actions.inbound.asked import due_unanswered, unanswered_to_review
from mailflow.actions.leads.expire import due_lead_ids, expire_due
from mailflow.actions.leads.offer import due_undistributed, offer_next_ring
from mailflow.actions.leads.remind import (
    due_feedback_reminders,
    due_offer_reminders,
    remind_feedback,
    remind_offer,
)
from mailflow.actions.partners import invitations
from mailflow.actions.partners.away_periods import due_hand_ons, hand_on
from mailflow.actions.partners.digest import queue_digest as digest
from mailflow.actions.partners.offer_digest import send_digests
from mailflow.db import is_transient

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
MAX_ROUNDS = 10_000
ATTEMPTS = 3  # of one item that lost a race (a deadlock): then the next sweep tries again


def _drain(
    rt: Runtime,
    find: Callable[[Session, datetime, int], list[int]],
    act: Callable[..., object],
) -> int:
    """Repeat: find a batch of due ids, act on each in its own transaction; stop when
    nothing is due or a whole batch was done by somebody else."""
    done, seen = 0, set()
    now = rt.clock.now()
    for _ in range(MAX_ROUNDS):
        with rt.db.read() as s:
            ids = [i for i in find(s, now, rt.settings.sweep_batch) if i not in seen]
        if not ids:
            break
        for item_id in ids:
            seen.add(item_id)
            if _act(rt, act, item_id):
                done += 1
    return done


def _act(rt: Runtime, act: Callable[..., object], item_id: int) -> bool:
    """One item in its own transaction. A transaction that lost a race (a deadlock, a
    serialization failure) is rolled back and run again, and after ``ATTEMPTS`` the item is
    left to the next sweep: one item never aborts the sweep of all the others."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with unit(rt, "system", "job") as ctx:
                return bool(act(ctx, item_id))
        except DBAPIError as exc:
            if not is_transient(exc):
                raise
            log.warning(
                "%s(%d): attempt %d of %d lost a race: %s",
                getattr(act, "__name__", "sweep item"),
                item_id,
                attempt,
                ATTEMPTS,
                type(exc.orig).__name__,
            )
    return False


def sweep_offers(rt: Runtime) -> int:
    """Expire every open offer past its SLA, and offer every qualified lead whose distribute
    job was lost; returns how many leads moved on."""
    moved = _drain(rt, due_lead_ids, expire_due)
    moved += _drain(rt, due_undistributed, offer_next_ring)
    log.info("sweep_offers: %d leads moved on", moved)
    return moved


def sweep_reminders(rt: Runtime) -> int:
    """The reminders due (offers, feedback, the end of a deal registration's exclusivity,
    partners' open invitations) and the exclusivities and invitations that ended; offers
    past their deadline are expired first (in a catch-up after the scheduler was down, both
    are due: the partner reads "moved on", not "runs out")."""
    _drain(rt, due_lead_ids, expire_due)
    sent = _drain(rt, due_offer_reminders, remind_offer)
    sent += _drain(rt, due_feedback_reminders, remind_feedback)
    sent += _drain(rt, exclusivity.due_reminders, exclusivity.remind)
    _drain(rt, exclusivity.due_ends, exclusivity.end)
    # partners' invitations: run out first, then the reminders (3 and 10 days after)
    _drain(rt, invitations.due_expiries, invitations.expire_invitation)
    sent += _drain(rt, invitations.due_reminders, invitations.remind_invitation)
    log.info("sweep_reminders: %d reminders", sent)
    return sent


def sweep_questions(rt: Runtime) -> int:
    """Replies asked back ("did you mean …?") a day ago without a choice go to review."""
    moved = _drain(rt, due_unanswered, unanswered_to_review)
    log.info("sweep_questions: %d unanswered questions to review", moved)
    return moved


def sweep_away(rt: Runtime) -> int:
    """Away periods that have begun: the offers open to the partner are handed on (to the
    colleague who takes over, or moved on when the partner pauses)."""
    moved = _drain(rt, due_hand_ons, hand_on)
    log.info("sweep_away: %d away periods begun", moved)
    return moved


def send_offer_digests(rt: Runtime) -> int:
    """Every few minutes: the digests of held offers that are due."""
    with unit(rt, "system", "job") as ctx:
        return send_digests(ctx)


def queue_digest(rt: Runtime) -> int:
    """Weekly: the processing-queue overview for the partner managers."""

    with unit(rt, "system", "job") as ctx:
        return digest(ctx)
