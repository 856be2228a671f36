"""When a contact hears of an offer: at once, or for a cold lead in its morning or
afternoon digest (the contact's ``offer_delivery``). Hot and warm leads always go at once:
their deadlines are too short to wait."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

INSTANT = "instant"
SLOTS: dict[str, time] = {"morning": time(7, 30), "afternoon": time(13, 30)}
DELIVERIES: tuple[str, ...] = (INSTANT, *SLOTS)


def held(temperature: str | None, delivery: str) -> bool:
    """Whether the offer waits for the contact's digest."""
    return temperature == "cold" and delivery in SLOTS


def next_slot(now: datetime, tz: str, delivery: str) -> datetime:
    """The next digest of ``delivery`` after ``now``, at the slot's local time in ``tz``."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    at = datetime.combine(local.date(), SLOTS[delivery], zone)
    if at <= local:
        at = datetime.combine(local.date() + timedelta(days=1), SLOTS[delivery], zone)
    return at.astimezone(UTC)
