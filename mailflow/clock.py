"""Time, in one place, so tests can move it instead of sleeping.

Every timestamp is an aware UTC datetime (the database columns store UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Wall clock by default; ``set``/``advance`` freeze it for tests and benchmarks."""

    def __init__(self) -> None:
        self._frozen: datetime | None = None

    def now(self) -> datetime:
        return self._frozen if self._frozen is not None else datetime.now(UTC)

    def set(self, when: datetime) -> None:
        self._frozen = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)

    def advance(self, **delta: float) -> datetime:
        self._frozen = self.now() + timedelta(**delta)
        return self._frozen

    def thaw(self) -> None:
        self._frozen = None
