"""Points rules (pure): cold picks earn disproportionately more, fast reports a bonus."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from mailflow.rules import points


def _total(awards: list[points.Award]) -> int:
    return sum(a.points for a in awards)


def test_a_cold_pick_earns_disproportionately_more_than_a_hot_one() -> None:
    hot, cold = _total(points.for_pick("hot")), _total(points.for_pick("cold"))
    assert hot == 10 and cold == 40
    assert [a.kind for a in points.for_pick("cold")] == ["pick", "cold_bonus"]


def test_a_report_within_a_day_earns_the_fast_feedback_bonus() -> None:
    fast = points.for_feedback("contacted", timedelta(hours=3), moved=True)
    slow = points.for_feedback("contacted", timedelta(days=3), moved=True)
    assert [a.kind for a in fast] == ["feedback", "fast_feedback"]
    assert [a.kind for a in slow] == ["feedback"]


def test_repeating_the_current_stage_earns_nothing_and_a_win_earns_most() -> None:
    assert points.for_feedback("meeting", timedelta(hours=1), moved=False) == []
    assert _total(points.for_feedback("won", timedelta(days=9), moved=True)) == 30


def test_points_convert_to_mdf_at_the_rate_to_the_cent() -> None:
    assert points.mdf_value(333, 0.25) == Decimal("83.25")
    assert points.mdf_value(1, 0.005) == Decimal("0.01")
