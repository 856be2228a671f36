"""Minimal qualification: a lead goes out only when it carries the required fields.

Pure: takes the lead's values as a mapping and the required field names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

TEMPERATURES = ("hot", "warm", "cold")


@dataclass(frozen=True)
class Qualification:
    qualified: bool
    missing: tuple[str, ...]

    @property
    def reason(self) -> str | None:
        return None if self.qualified else "missing: " + ", ".join(self.missing)


def qualify(values: Mapping[str, Any], required: Iterable[str]) -> Qualification:
    missing = tuple(
        name for name in required if values.get(name) in (None, "") or _blank(values.get(name))
    )
    return Qualification(qualified=not missing, missing=missing)


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()
