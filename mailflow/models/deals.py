"""Deal registrations: an opportunity a partner found itself and asks to own."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Index, Numeric, Text
from sqlmodel import Field, SQLModel

from mailflow.models._fields import json_field
from mailflow.models.states import DealState


class DealRegistration(SQLModel, table=True):
    """What the partner says about its customer (``customer_*``: personal data, seen by
    the partner and the manufacturer's staff), the conflicts found when it was submitted,
    the staff's decision and, once approved, the lead it became and its exclusivity."""

    __table_args__ = (Index("ix_dealregistration_state_remind", "state", "remind_at"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    state: str = Field(default=DealState.SUBMITTED, max_length=20, index=True)
    channel: str = Field(max_length=20)  # web|api|email
    campaign: str | None = Field(default=None, max_length=100)
    customer_name: str | None = Field(default=None, max_length=200)
    customer_company: str | None = Field(default=None, max_length=200)
    customer_email: str | None = Field(default=None, max_length=254)
    customer_phone: str | None = Field(default=None, max_length=50)
    customer_external_id: str | None = Field(default=None, max_length=100, index=True)
    customer_domain: str | None = Field(default=None, max_length=254, index=True)  # business
    postal_code: str | None = Field(default=None, max_length=20)
    city: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=2)
    product_line: str | None = Field(default=None, max_length=100)
    requirement: str | None = Field(default=None, sa_column=Column(Text))
    value: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 2)))
    currency: str = Field(default="EUR", max_length=3)
    note: str | None = Field(default=None, max_length=1000)  # the partner's own words
    # what the conflict check found at submission: [{"kind", "id", "match", "detail"}]
    conflicts: list[dict[str, Any]] = json_field(list)
    inbound_email_id: int | None = Field(default=None, foreign_key="inboundemail.id")
    lead_id: int | None = Field(default=None, foreign_key="lead.id", index=True)
    decided_by: str | None = Field(default=None, max_length=50)
    decided_at: datetime | None = None
    decision_note: str | None = Field(default=None, max_length=500)
    exclusive_until: datetime | None = None
    remind_at: datetime | None = None  # the reminder before the exclusivity ends
    extension_asked_at: datetime | None = None  # an open request for more time
    created_at: datetime
    updated_at: datetime
