"""SLA deadlines: wall-clock hours, or hours counted in a partner's business hours.

Pure: plain datetimes in, plain datetimes out. A calendar knows a time zone, the working
days, the daily opening hours and the public holidays of one country (and region), taken
from the maintained ``holidays`` library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

WORKWEEK = (0, 1, 2, 3, 4)  # Monday … Friday


@lru_cache(maxsize=256)
def _holidays(country: str, subdiv: str | None, year: int) -> frozenset[date]:
    try:
        calendar = holidays.country_holidays(country, subdiv=subdiv, years=year)
    except NotImplementedError:  # a country the library does not know: no holidays
        return frozenset()
    return frozenset(calendar.keys())


@dataclass(frozen=True)
class Calendar:
    """When a partner works: ``start``–``end`` local time on ``days``, minus public holidays."""

    tz: str = "Europe/Berlin"
    days: tuple[int, ...] = WORKWEEK
    start: time = time(8, 0)
    end: time = time(17, 0)
    country: str | None = None
    subdiv: str | None = None
    extra_closed: frozenset[date] = field(default_factory=frozenset)

    def is_open_day(self, day: date) -> bool:
        if day.weekday() not in self.days or day in self.extra_closed:
            return False
        return not (self.country and day in _holidays(self.country, self.subdiv, day.year))


def calendar_from(config: Mapping[str, Any] | None, country: str | None) -> Calendar | None:
    """A partner's ``business_hours`` setting (``{}`` = wall clock) as a :class:`Calendar`."""
    if not config:
        return None
    start_h, start_m = (int(x) for x in str(config.get("start", "08:00")).split(":"))
    end_h, end_m = (int(x) for x in str(config.get("end", "17:00")).split(":"))
    return Calendar(
        tz=str(config.get("tz", "Europe/Berlin")),
        days=tuple(int(d) for d in config.get("days", WORKWEEK)),
        start=time(start_h, start_m),
        end=time(end_h, end_m),
        country=config.get("country", country),
        subdiv=config.get("subdiv"),
    )


def add_hours(start: datetime, hours: float, calendar: Calendar | None) -> datetime:
    """The moment ``hours`` after ``start``: wall clock without a calendar, else only the
    calendar's open hours count (a lead arriving Friday evening runs from Monday 8:00)."""
    if calendar is None:
        return start + timedelta(hours=hours)
    if calendar.end <= calendar.start or not calendar.days:
        raise ValueError("a business calendar needs open hours and working days")
    zone = ZoneInfo(calendar.tz)
    left = timedelta(hours=hours)
    cursor = start.astimezone(zone)
    for _ in range(3660):  # ten years of days: a calendar that never opens is an error
        day = cursor.date()
        if calendar.is_open_day(day):
            opens = datetime.combine(day, calendar.start, zone)
            closes = datetime.combine(day, calendar.end, zone)
            begin = max(cursor, opens)
            if begin < closes:
                if begin + left <= closes:
                    return (begin + left).astimezone(UTC)
                left -= closes - begin
        cursor = datetime.combine(day + timedelta(days=1), time(0, 0), zone)
    raise ValueError("the business calendar has no open hours")


def sla_hours(
    defaults: Mapping[str, float],
    per_campaign: Mapping[str, Mapping[str, float]],
    campaign: str | None,
    temperature: str,
) -> float:
    """The SLA of a lead: its campaign's setting for the temperature, else the default."""
    if campaign and temperature in per_campaign.get(campaign, {}):
        return per_campaign[campaign][temperature]
    return defaults[temperature]


@dataclass(frozen=True)
class Deadlines:
    expires_at: datetime
    remind_at: datetime | None


def offer_deadlines(
    start: datetime, hours: float, calendar: Calendar | None, remind_fraction: float | None
) -> Deadlines:
    """When an offer expires and when its one reminder goes out (``remind_fraction`` of it)."""
    expires = add_hours(start, hours, calendar)
    remind = None
    if remind_fraction:
        remind = add_hours(start, hours * remind_fraction, calendar)
    return Deadlines(expires, remind)
