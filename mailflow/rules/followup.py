"""Follow-up rules: feedback reminders, away periods and the processing-queue gate.

Pure: plain values in, decisions out. The actions and sweeps store the results in the
``feedback_due_at`` / ``next_reminder_at`` columns, so the state lives in the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


def feedback_due_at(last_report: datetime, schedule_days: Sequence[int]) -> datetime | None:
    """A picked lead is overdue for feedback once the first reminder day has passed."""
    return last_report + timedelta(days=schedule_days[0]) if schedule_days else None


def next_reminder_at(
    last_report: datetime, sent: int, schedule_days: Sequence[int]
) -> datetime | None:
    """Reminder ``sent + 1`` goes out ``schedule_days[sent]`` days after the last report;
    ``None`` once the schedule is used up."""
    if sent >= len(schedule_days):
        return None
    return last_report + timedelta(days=schedule_days[sent])


def back_at(pauses: Sequence[tuple[datetime, datetime]], now: datetime) -> datetime | None:
    """When a partner pausing now is back: the end of the pause running at ``now``, or of
    the one it runs into (periods that overlap or touch make one absence); ``None`` when
    it does not pause now."""
    back = now
    for start, end in sorted(pauses):
        if start <= back < end:
            back = end
    return back if back > now else None


def after_away(when: datetime, away_until: datetime | None, now: datetime) -> datetime:
    """A reminder due while the partner is away waits until the partner is back."""
    if away_until is not None and away_until > now and away_until > when:
        return away_until
    return when


def within_window(last_sent: datetime | None, now: datetime, window_hours: float) -> bool:
    """True when the same reminder went out less than ``window_hours`` ago: never twice."""
    return last_sent is not None and now - last_sent < timedelta(hours=window_hours)


def queue_limit(level: str, limits: Mapping[str, int], default: int) -> int:
    """How many overdue picked leads a partner of ``level`` may carry and still pick."""
    return limits.get(level, default)


@dataclass(frozen=True)
class Gate:
    overdue: int
    limit: int

    @property
    def blocked(self) -> bool:
        """More than ``limit`` overdue leads: new offers are shown but cannot be picked."""
        return self.overdue > self.limit
