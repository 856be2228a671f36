"""The KPI benchmark runs (small sizes) and reports the figures the issue asks for."""

from __future__ import annotations

from pathlib import Path

from bench import run_bench
from tests.conftest import make_settings
from tests.services import POSTGRES_URL, port_open, require


def test_the_kpi_bench_reports_both_databases_with_the_same_results(tmp_path: Path) -> None:
    require(port_open("127.0.0.1", 5432), "PostgreSQL at 127.0.0.1:5432")
    settings = make_settings(tmp_path, POSTGRES_URL)
    figures = run_bench("kpi", settings, quick=True)
    assert figures["leads"] == 20_000
    assert figures["sqlite_s"] > 0 and figures["postgres_s"] > 0
    assert figures["sqlite_partner_rows"] == figures["postgres_partner_rows"] == 100
    assert figures["same_results"] is True
