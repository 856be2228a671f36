"""When a weekly report is due, and which week it covers, in the contact's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from mailflow.models import ReportSubscription
from mailflow.queries.reports import is_due, last_week, zone

BERLIN = zone("Europe/Berlin")


def _sub(**kw: object) -> ReportSubscription:
    return ReportSubscription(contact_id=1, updated_at=datetime(2026, 1, 1, tzinfo=UTC), **kw)  # type: ignore[arg-type]


def test_the_report_covers_the_last_local_monday_to_monday_week() -> None:
    period = last_week(datetime(2026, 11, 30, 6, 30, tzinfo=UTC), BERLIN)
    assert period.label == "2026-W48"
    assert period.start == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # Monday 00:00 CET
    assert period.end == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    assert period.previous().label == "2026-W47"


def test_a_week_across_the_clock_change_is_one_hour_shorter() -> None:
    period = last_week(datetime(2026, 3, 30, 8, 0, tzinfo=UTC), BERLIN)
    assert period.label == "2026-W13"
    assert (period.end - period.start).total_seconds() == 7 * 86400 - 3600


def test_it_is_due_from_the_chosen_local_hour_once_per_week() -> None:
    monday_0730_berlin = datetime(2026, 11, 30, 6, 30, tzinfo=UTC)
    assert is_due(None, BERLIN, monday_0730_berlin) == "2026-W48"  # default Monday 07:00
    assert is_due(None, zone("America/New_York"), monday_0730_berlin) is None  # 01:30 there
    assert is_due(_sub(last_period="2026-W48"), BERLIN, monday_0730_berlin) is None
    assert is_due(_sub(weekday=0, hour=9), BERLIN, monday_0730_berlin) is None
    assert is_due(_sub(opted_out=True), BERLIN, monday_0730_berlin) is None


def test_an_unknown_time_zone_falls_back_to_utc() -> None:
    assert zone("Mars/Olympus_Mons").key == "UTC"
