"""``mailflow bench inbound`` runs end to end and reports its figures (speed is not asserted)."""

from __future__ import annotations

import os
from pathlib import Path

from bench import run_bench
from tests.conftest import make_settings


def test_bench_inbound_applies_every_reply_and_reports_both_figures(tmp_path: Path) -> None:
    result = run_bench("inbound", make_settings(tmp_path, "sqlite://"), quick=True)
    assert result["messages"] == 60
    assert result["per_s"] > 0 and result["limit_per_s"] > 0 and result["parse_ms_30kb"] > 0
    assert result["ratio"] == round(result["per_s"] / result["limit_per_s"], 3)
    assert result["per_s_embedded"] > 0
    assert result["ratio_embedded"] == round(result["per_s_embedded"] / result["limit_per_s"], 3)
    assert result["embedded_topology"].startswith("embedded: one process")
    rounds = result["rounds"]
    assert len(rounds["per_s"]) == len(rounds["limit_per_s"]) == len(rounds["per_s_embedded"]) == 1
    if os.environ.get("CI"):  # Redis runs there: per_s is the Procfile's layout
        assert result["topology"].startswith("Procfile: SMTP server + 2 worker processes")
    elif result["topology"].startswith("embedded"):  # no Redis here
        assert result["per_s"] == result["per_s_embedded"]
