"""Loyalty points: pure rules, no database.

Picking and reporting earn points. Cold leads are the ones partners leave lying, so a
cold pick earns disproportionately more (3× a hot one, plus a bonus); a progress report
within a day of the previous step earns a fast-feedback bonus; a win earns most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from mailflow.models.states import LeadState

PICK_POINTS = {"hot": 10, "warm": 15, "cold": 30}
COLD_BONUS = 10
REPORT_POINTS = 5
WON_POINTS = 25
FAST_FEEDBACK = timedelta(hours=24)
FAST_BONUS = 5


@dataclass(frozen=True)
class Award:
    kind: str
    points: int


def for_pick(temperature: str) -> list[Award]:
    awards = [Award("pick", PICK_POINTS.get(temperature, PICK_POINTS["warm"]))]
    if temperature == "cold":
        awards.append(Award("cold_bonus", COLD_BONUS))
    return awards


def for_feedback(stage: str, since_previous: timedelta | None, moved: bool) -> list[Award]:
    """``since_previous``: time since the pick or the last report; ``moved``: the report
    changed the stage (repeating the current stage earns nothing)."""
    if not moved:
        return []
    awards = [Award("feedback", REPORT_POINTS)]
    if since_previous is not None and since_previous <= FAST_FEEDBACK:
        awards.append(Award("fast_feedback", FAST_BONUS))
    if stage == LeadState.WON:
        awards.append(Award("won", WON_POINTS))
    return awards


def mdf_value(points: int, rate: float) -> Decimal:
    """MDF budget for ``points`` at ``rate`` currency units per point, to the cent."""
    return (Decimal(points) * Decimal(str(rate))).quantize(Decimal("0.01"), ROUND_HALF_UP)
