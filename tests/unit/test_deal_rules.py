"""When an exclusivity ends, when its partner is reminded, and what an extension adds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mailflow.rules.deals import exclusivity_end, extended, remind_at

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_the_reminder_comes_two_weeks_before_the_end_of_a_long_window() -> None:
    end = exclusivity_end(NOW, 90)
    assert end == NOW + timedelta(days=90)
    assert remind_at(NOW, end) == NOW + timedelta(days=76)


def test_a_short_window_is_reminded_halfway_and_an_ended_one_not_at_all() -> None:
    assert remind_at(NOW, NOW + timedelta(days=10)) == NOW + timedelta(days=5)
    assert remind_at(NOW, NOW) is None and remind_at(NOW, NOW - timedelta(days=1)) is None
    assert exclusivity_end(NOW, 0) == NOW + timedelta(days=1)  # never a window of nothing


def test_an_extension_counts_from_the_end_or_from_now_when_it_ended() -> None:
    assert extended(NOW + timedelta(days=5), NOW, 30) == NOW + timedelta(days=35)
    assert extended(NOW - timedelta(days=5), NOW, 10) == NOW + timedelta(days=10)
