"""When a deal registration's exclusivity ends, when its partner is reminded, and how
much more time an extension gives."""

from __future__ import annotations

from datetime import datetime, timedelta

REMIND_BEFORE = timedelta(days=14)  # the partner is reminded this long before the end
EXTENSION_DAYS = 30  # without a campaign that says otherwise (``Campaign.extension_days``)


def exclusivity_end(start: datetime, days: int) -> datetime:
    return start + timedelta(days=max(1, days))


def remind_at(now: datetime, end: datetime) -> datetime | None:
    """The reminder before ``end``: two weeks before, or halfway through a window shorter
    than four weeks (a reminder the day it was granted tells nothing); none once it ended."""
    if end <= now:
        return None
    return end - min(REMIND_BEFORE, (end - now) / 2)


def extended(end: datetime, now: datetime, days: int) -> datetime:
    """An extension counts from the current end (or from now, when it ended already)."""
    return max(end, now) + timedelta(days=max(1, days))
