"""The periodic sweeps: find due work in the database and hand each item to an action.

The state lives in columns (``offer.expires_at``, ``offer.remind_at``,
``lead.next_reminder_at``), never in delayed broker messages, so a dead worker or a
restarted Redis loses nothing: the next sweep finds the same rows. Each item is its own
transaction, and each action claims its row (a locked lead with ``SKIP LOCKED`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite, conditional UPDATEs on both), so two sweeps
running at once move every offer once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from mailflow.actions import unit
from mailflow.actions.expire import due_lead_ids, expire_due
from mailflow.actions.offer import due_undistributed, offer_next_ring
from mailflow.actions.remind import (
    due_feedback_reminders,
    due_offer_reminders,
    remind_feedback,
    remind_offer,
)

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
MAX_ROUNDS = 10_000


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
            with unit(rt, "system", "job") as ctx:
                if act(ctx, item_id):
                    done += 1
    return done


def sweep_offers(rt: Runtime) -> int:
    """Expire every open offer past its SLA, and offer every qualified lead whose distribute
    job was lost; returns how many leads moved on."""
    moved = _drain(rt, due_lead_ids, expire_due)
    moved += _drain(rt, due_undistributed, offer_next_ring)
    log.info("sweep_offers: %d leads moved on", moved)
    return moved


def sweep_reminders(rt: Runtime) -> int:
    sent = _drain(rt, due_offer_reminders, remind_offer)
    sent += _drain(rt, due_feedback_reminders, remind_feedback)
    log.info("sweep_reminders: %d reminders", sent)
    return sent


def sweep_away(rt: Runtime) -> int:
    """Daily: partners whose away period has passed are available again."""
    from mailflow.actions.away import back_from_away

    with unit(rt, "system", "job") as ctx:
        return back_from_away(ctx)


def queue_digest(rt: Runtime) -> int:
    """Weekly: the processing-queue overview for the partner managers."""
    from mailflow.actions.digest import queue_digest as digest

    with unit(rt, "system", "job") as ctx:
        return digest(ctx)
