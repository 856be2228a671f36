"""Column helpers shared by the table modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field


def json_field(default: Any) -> Any:
    """A NOT NULL JSON column whose Python default is a fresh ``default()``."""
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))
