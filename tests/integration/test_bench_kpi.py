"""The KPI benchmark runs (small sizes) and reports the figures the issue asks for."""

from __future__ import annotations

from pathlib import Path

from bench import run_bench
from tests.conftest import make_settings


def test_the_kpi_bench_reports_both_databases_with_the_same_results(
    tmp_path: Path, _postgres_ready: str
) -> None:
    settings = make_settings(tmp_path, _postgres_ready)
    figures = run_bench("kpi", settings, quick=True)
    assert figures["leads"] == 20_000
    assert figures["sqlite_s"] > 0 and figures["postgres_s"] > 0
    assert figures["sqlite_partner_rows"] == figures["postgres_partner_rows"] == 100
    assert figures["same_results"] is True
