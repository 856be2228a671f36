"""``mailflow bench NAME`` runs the checkout's benchmarks; an installed package has none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mailflow import cli

ROOT = Path(__file__).resolve().parents[2]


def test_the_bench_command_runs_a_benchmark_from_the_checkout(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MAILFLOW_DATA_DIR", str(tmp_path))
    assert cli.main(["bench", "compose", "--quick"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["bench"] == "compose" and figures["emails"] > 0


def test_outside_a_checkout_the_bench_command_says_where_to_run_it(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MAILFLOW_DATA_DIR", str(tmp_path))
    assert cli.main(["bench", "compose", "--quick"]) == 2
    assert "from the checkout" in capsys.readouterr().err


def test_the_wheel_carries_mailflow_only() -> None:
    """No top-level config, scheduler or bench package is installed beside mailflow."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'include = ["mailflow*"]' in pyproject
    assert not (ROOT / "config" / "__init__.py").exists()
    assert not (ROOT / "scheduler").exists()
