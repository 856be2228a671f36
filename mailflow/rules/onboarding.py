"""An invitation's course: when its reminders are due, when it runs out, which moves its
state may make, and which versions of the terms a partner has still to accept."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

INVITED, ACCEPTED, EXPIRED, WITHDRAWN = "invited", "accepted", "expired", "withdrawn"
STATES = (INVITED, ACCEPTED, EXPIRED, WITHDRAWN)
# an invitation moves once: the partner accepts, it runs out, or the staff withdraw it
TRANSITIONS: dict[str, frozenset[str]] = {
    INVITED: frozenset({ACCEPTED, EXPIRED, WITHDRAWN}),
    ACCEPTED: frozenset(),
    EXPIRED: frozenset(),
    WITHDRAWN: frozenset(),
}
REMINDER_DAYS = (3, 10)  # days after the invitation
VALID_DAYS = 30
KINDS = ("terms", "dpa")  # the terms of the partnership, the data-processing agreement


def can_move(state: str, to: str) -> bool:
    return to in TRANSITIONS.get(state, frozenset())


def expires_at(invited_at: datetime) -> datetime:
    return invited_at + timedelta(days=VALID_DAYS)


def next_reminder(invited_at: datetime, sent: int) -> datetime | None:
    """When the reminder after ``sent`` reminders is due; None when none is left."""
    if sent >= len(REMINDER_DAYS):
        return None
    return invited_at + timedelta(days=REMINDER_DAYS[sent])


def still_to_accept(
    current: Mapping[str, int], accepted: Iterable[tuple[str, int]]
) -> dict[str, int]:
    """The kinds whose current version (kind → version) the partner has not accepted."""
    done = set(accepted)
    return {kind: version for kind, version in current.items() if (kind, version) not in done}


def text_in(texts: Mapping[str, str], lang: str) -> tuple[str, str]:
    """The text in ``lang``, else in English, else the first one; with its language."""
    for code in (lang, "en", *texts):
        if texts.get(code):
            return code, texts[code]
    return lang, ""
