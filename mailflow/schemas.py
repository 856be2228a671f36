"""Validated input (non-table pydantic models): table models skip validation."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
_EMAIL = re.compile(r"^[^\s@<>()\[\],;:\"]+@[^\s@<>()\[\],;:\"]+\.[^\s@<>()\[\],;:\"]+$")


class LeadIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_id: Annotated[str, StringConstraints(max_length=100)] | None = None
    temperature: Literal["hot", "warm", "cold"] = "warm"
    source: Annotated[str, StringConstraints(max_length=50)] = "api"
    campaign: Annotated[str, StringConstraints(max_length=100)] | None = None
    customer_name: Short | None = None
    customer_company: Short | None = None
    customer_email: Annotated[str, StringConstraints(max_length=254)] | None = None
    customer_phone: Annotated[str, StringConstraints(max_length=50)] | None = None
    customer_street: Short | None = None
    postal_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    city: Annotated[str, StringConstraints(max_length=100)] | None = None
    country: Annotated[str, StringConstraints(min_length=2, max_length=2)] | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    product_line: Annotated[str, StringConstraints(max_length=100)] | None = None
    requirement: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    remarks: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    value: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] = "EUR"
    customer_external_id: Annotated[str, StringConstraints(max_length=100)] | None = None

    @field_validator("customer_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not _EMAIL.match(value):
            raise ValueError("not a valid email address")
        return value

    @field_validator("country", "currency")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.isalpha():
            raise ValueError("letters only")
        return value.upper()


Stage = Literal["contacted", "meeting", "proposal", "won", "lost"]


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    stage: Stage
    amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] | None = None
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None
    note: Annotated[str, StringConstraints(max_length=5_000)] | None = None

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else None


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Annotated[str, StringConstraints(max_length=500)] | None = None
