"""Benchmarks: ``mailflow bench NAME`` prints one JSON object of measured figures."""

from __future__ import annotations

import importlib
from typing import Any

from mailflow.settings import Settings

BENCHES = (
    "inbound",
    "pick",
    "match",
    "sweep",
    "csv_import",
    "kpi",
    "compose",
    "fanout",
    "interpret",
    "mailbox",
)


def run_bench(name: str, settings: Settings, *, quick: bool = False) -> dict[str, Any]:
    if name not in BENCHES:
        raise SystemExit(f"unknown benchmark {name!r}; known: {', '.join(BENCHES)}")
    module = importlib.import_module(f"bench.{name}")
    result: dict[str, Any] = module.run(settings, quick=quick)
    return result
