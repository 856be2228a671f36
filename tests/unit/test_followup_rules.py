"""The pure follow-up rules: business-hour SLAs, reminder schedule, away, the queue gate."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from mailflow.rules import followup, sla
from mailflow.settings import SettingsError, load_settings

BERLIN_WEEK = sla.Calendar(tz="Europe/Berlin", country="DE")


def test_without_a_calendar_the_sla_is_wall_clock() -> None:
    start = datetime(2026, 4, 3, 22, 0, tzinfo=UTC)  # Good Friday, late
    assert sla.add_hours(start, 4, None) == start + timedelta(hours=4)


def test_a_lead_arriving_on_friday_evening_runs_from_monday_morning() -> None:
    friday_evening = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)  # 19:00 in Berlin
    # Monday 9 March 08:00 Berlin (07:00 UTC) + 4 h
    assert sla.add_hours(friday_evening, 4, BERLIN_WEEK) == datetime(2026, 3, 9, 11, 0, tzinfo=UTC)


def test_public_holidays_of_the_partners_country_do_not_count() -> None:
    before_easter = datetime(2026, 4, 2, 14, 0, tzinfo=UTC)  # Thursday 16:00 in Berlin
    # 1 h on Thursday; Friday and Monday are holidays in DE: Tuesday 08:00 + 3 h
    assert sla.add_hours(before_easter, 4, BERLIN_WEEK) == datetime(2026, 4, 7, 9, 0, tzinfo=UTC)
    austria = sla.Calendar(tz="Europe/Vienna", country="AT")  # Good Friday is a workday there
    assert sla.add_hours(before_easter, 4, austria) == datetime(2026, 4, 3, 9, 0, tzinfo=UTC)


def test_regional_holidays_follow_the_subdivision() -> None:
    corpus_christi = date(2026, 6, 4)
    bavaria = sla.Calendar(country="DE", subdiv="BY")
    berlin = sla.Calendar(country="DE", subdiv="BE")
    assert not bavaria.is_open_day(corpus_christi) and berlin.is_open_day(corpus_christi)


def test_a_calendar_comes_from_a_partners_business_hours_setting() -> None:
    assert sla.calendar_from({}, "DE") is None
    cal = sla.calendar_from({"tz": "Europe/Zurich", "days": [0, 1, 2, 3], "start": "07:30"}, "CH")
    assert cal == sla.Calendar(
        tz="Europe/Zurich", days=(0, 1, 2, 3), start=time(7, 30), country="CH"
    )


def test_a_calendar_without_open_hours_is_an_error() -> None:
    closed = sla.Calendar(start=time(9), end=time(9))
    with pytest.raises(ValueError):
        sla.add_hours(datetime(2026, 3, 2, tzinfo=UTC), 1, closed)


def test_the_campaign_sla_overrides_the_temperature_default() -> None:
    defaults = {"hot": 4.0, "warm": 12.0, "cold": 24.0}
    per = {"fair": {"hot": 2.0}}
    assert sla.sla_hours(defaults, per, "fair", "hot") == 2.0
    assert sla.sla_hours(defaults, per, "fair", "cold") == 24.0
    assert sla.sla_hours(defaults, per, None, "warm") == 12.0


def test_the_offer_reminder_is_at_75_percent_counted_in_business_hours() -> None:
    monday_8 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    deadlines = sla.offer_deadlines(monday_8, 12, BERLIN_WEEK, 0.75)
    assert deadlines.expires_at == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)  # 9 h Mon + 3 h Tue
    assert deadlines.remind_at == monday_8 + timedelta(hours=9)  # Monday 17:00
    assert sla.offer_deadlines(monday_8, 12, None, 0).remind_at is None


def test_feedback_reminders_follow_the_schedule_and_stop() -> None:
    picked = datetime(2026, 3, 2, tzinfo=UTC)
    days = (3, 7, 14)
    assert [followup.next_reminder_at(picked, n, days) for n in range(4)] == [
        picked + timedelta(days=3),
        picked + timedelta(days=7),
        picked + timedelta(days=14),
        None,
    ]
    assert followup.feedback_due_at(picked, days) == picked + timedelta(days=3)


def test_a_reminder_waits_for_an_away_partner_and_is_not_repeated_in_the_window() -> None:
    now = datetime(2026, 3, 5, tzinfo=UTC)
    back = now + timedelta(days=2)
    assert followup.after_away(now, back, now) == back
    assert followup.after_away(now, now - timedelta(days=1), now) == now
    assert followup.within_window(now - timedelta(hours=5), now, 20)
    assert not followup.within_window(now - timedelta(hours=21), now, 20)
    assert not followup.within_window(None, now, 20)


def test_the_gate_blocks_above_the_limit_of_the_partner_level() -> None:
    assert followup.queue_limit("gold", {"gold": 5}, 3) == 5
    assert followup.queue_limit("standard", {"gold": 5}, 3) == 3
    assert not followup.Gate(overdue=3, limit=3).blocked
    assert followup.Gate(overdue=4, limit=3).blocked


def test_the_followup_settings_parse_strictly(tmp_path: object) -> None:
    env = {
        "MAILFLOW_DATA_DIR": str(tmp_path),
        "MAILFLOW_SECRET_KEYS": "k" * 20,
        "MAILFLOW_CAMPAIGN_SLA_HOURS": "fair.hot=2, spring.cold=48",
        "MAILFLOW_QUEUE_LIMITS": "premium=6,gold=4",
        "MAILFLOW_FEEDBACK_REMINDER_DAYS": "2,5,10",
        "MAILFLOW_MAX_RINGS": "4",
    }
    settings = load_settings(env)
    assert settings.campaign_sla_hours == {"fair": {"hot": 2.0}, "spring": {"cold": 48.0}}
    assert settings.queue_limits == {"premium": 6, "gold": 4}
    assert settings.feedback_reminder_days == (2, 5, 10) and settings.max_rings == 4
    assert load_settings({**env, "MAILFLOW_SLA_REMINDER_FRACTION": "0"}).sla_reminder_fraction == 0
    for name, bad in (
        ("CAMPAIGN_SLA_HOURS", "fair.lukewarm=2"),
        ("QUEUE_LIMITS", "premium"),
        ("FEEDBACK_REMINDER_DAYS", "7,3"),
        ("SLA_REMINDER_FRACTION", "1.5"),
    ):
        with pytest.raises(SettingsError, match=name):
            load_settings({**env, f"MAILFLOW_{name}": bad})


def test_a_partner_is_back_at_the_end_of_the_pauses_it_is_in_now() -> None:
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    day = timedelta(days=1)
    assert followup.back_at([], now) is None
    assert followup.back_at([(now + day, now + 3 * day)], now) is None  # not begun
    assert followup.back_at([(now - 3 * day, now)], now) is None  # ended just now
    # periods that overlap or touch make one absence; a later one apart from them does not
    spans = [
        (now + 5 * day, now + 9 * day),
        (now + 2 * day, now + 4 * day),
        (now - day, now + 2 * day),
    ]
    assert followup.back_at(spans, now) == now + 4 * day
