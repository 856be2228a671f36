"""A small progress bar on stderr (redrawn at most ten times a second)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, label: str, out: TextIO | None = None) -> None:
        self.total, self.label, self.done = max(total, 1), label, 0
        self.out = out or sys.stderr
        self._drawn = 0.0
        self._start = time.monotonic()

    def advance(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._drawn >= 0.1 or self.done >= self.total:
            self._drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        rate = self.done / max(now - self._start, 1e-6)
        self.out.write(
            f"\r{self.label} [{bar:<30}] {share:4.0%} {self.done}/{self.total} ({rate:,.0f}/s)"
        )
        self.out.flush()

    def close(self) -> None:
        self._draw(time.monotonic())
        self.out.write("\n")
        self.out.flush()
