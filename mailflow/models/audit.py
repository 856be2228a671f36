"""The audit trail, the points ledger and jobs that gave up."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Index, Numeric, Text
from sqlmodel import Field, SQLModel

from mailflow.models._fields import json_field


class Event(SQLModel, table=True):
    """Append-only audit log: every state change is one row."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    kind: str = Field(max_length=50, index=True)
    lead_id: int | None = Field(default=None, foreign_key="lead.id", index=True)
    offer_id: int | None = Field(default=None, foreign_key="offer.id")
    organization_id: int | None = Field(default=None, foreign_key="organization.id")
    actor: str = Field(max_length=100)  # "contact:12", "api:3", "system", "console:4"
    channel: str = Field(max_length=20)  # web|email|api|cli|job|console
    from_state: str | None = Field(default=None, max_length=20)
    to_state: str | None = Field(default=None, max_length=20)
    data: dict[str, Any] = json_field(dict)


class PointsEntry(SQLModel, table=True):
    """The points ledger: one row per award or conversion; the balance is the sum."""

    __table_args__ = (Index("ix_points_org_at", "organization_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    lead_id: int | None = Field(default=None, foreign_key="lead.id")
    kind: str = Field(max_length=30)  # pick|cold_bonus|feedback|fast_feedback|won|mdf
    points: int
    mdf_amount: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 2)))
    note: str | None = Field(default=None, max_length=200)
    at: datetime


class FailedJob(SQLModel, table=True):
    """A job that exhausted its retries: kept for the console, never retried blindly."""

    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(max_length=100, index=True)
    message_id: str = Field(max_length=100, unique=True)
    args: list[Any] = json_field(list)
    retries: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text))
    failed_at: datetime = Field(index=True)
