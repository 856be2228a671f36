"""The mail benchmarks run and report their figures (speed itself is not asserted)."""

from __future__ import annotations

from pathlib import Path

from bench import run_bench
from tests.conftest import make_settings


def test_bench_compose_reports_its_figures(tmp_path: Path) -> None:
    result = run_bench("compose", make_settings(tmp_path, "sqlite://"), quick=True)
    assert result["emails"] == 200 and result["bytes_per_email"] > 5000
    assert result["per_s"] > 0 and result["naive_per_s"] > 0


def test_bench_fanout_delivers_every_queued_offer(tmp_path: Path) -> None:
    result = run_bench("fanout", make_settings(tmp_path, "sqlite://"), quick=True)
    assert result["emails"] == 300
    assert result["per_s"] > 0 and result["limit_per_s"] > 0
