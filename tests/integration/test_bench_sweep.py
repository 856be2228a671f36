"""The sweep benchmark runs and returns its figures (no speed is asserted in tests)."""

from __future__ import annotations

from bench import run_bench
from mailflow.settings import Settings


def test_the_sweep_bench_runs_quickly_and_reports_its_figures(settings: Settings) -> None:
    result = run_bench("sweep", settings, quick=True)
    assert {"due", "small_open", "small_s", "large_open", "large_s", "database"} <= set(result)
    assert result["due"] < result["small_open"] < result["large_open"]
    assert result["database"] == ("sqlite" if settings.is_sqlite else "postgresql")
    assert result["small_s"] > 0 and result["large_s"] > 0
