"""Validated input (non-table pydantic models): table models skip validation.

Every input model derives from :class:`Input` (queries from :class:`Query`), whose one
validator holds every field to what the database can store, whatever its type: text
without NUL characters or lone surrogates, whole numbers within a 32-bit column, finite
numbers, dates between the years 1900 and 2999. Codes (country, currency) are ASCII
letters, checked before they are upper-cased ("ß" would grow into "SS").
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
_EMAIL = re.compile(r"^[^\s@<>()\[\],;:\"]+@[^\s@<>()\[\],;:\"]+\.[^\s@<>()\[\],;:\"]+$")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # an Integer column
YEARS = (1900, 2999)


def is_email(value: str) -> bool:
    """Whether ``value`` passes the email check of the input models."""
    return bool(_EMAIL.match(value))


def problems(exc: ValidationError, whole: str = "input") -> list[tuple[str, str]]:
    """Each invalid field of ``exc`` as (field, message); ``whole`` names the input itself
    when the problem is not one field's."""
    return [(".".join(map(str, e["loc"])) or whole, e["msg"]) for e in exc.errors()]


def _upper(value: str) -> str:
    return value.upper()


# ASCII letters only, upper-cased after the check: the length cannot change
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$"), AfterValidator(_upper)]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$"), AfterValidator(_upper)]
# the legal basis of passing a customer's data on, and the details each one needs
LegalBasis = Literal["consent", "legitimate_interest"]
BASIS_DETAILS: dict[str, tuple[str, ...]] = {
    "consent": ("consent_at", "consent_source"),
    "legitimate_interest": ("legitimate_interest_note",),
}
_DETAILS = ("consent_at", "consent_source", "legitimate_interest_note")
# money: a Numeric(14, 2) column, never negative
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


def storable(value: Any) -> Any:
    """``value`` when the database can store it as it is, else ValueError (recursing
    into lists and dicts)."""
    if isinstance(value, str):
        _text(value)
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise ValueError(f"must be between {INT_MIN} and {INT_MAX}")
    elif isinstance(value, float | Decimal):
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
    elif isinstance(value, date):  # datetime too
        if not YEARS[0] <= value.year <= YEARS[1]:
            raise ValueError(f"must be in the years {YEARS[0]} to {YEARS[1]}")
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            storable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            storable(key)
            storable(item)
    return value


def _text(value: str) -> None:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None


class Input(BaseModel):
    """Base of every request body: unknown fields refused, every value storable."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return storable(value)


class Query(Input):
    """Base of every query string: unknown parameters ignored."""

    model_config = ConfigDict(extra="ignore")


class LegalBasisIn(Input):
    """The legal basis of passing a customer's data on, given with a lead or later."""

    legal_basis: LegalBasis | None = Field(
        default=None,
        description="Why the customer's data may be passed on: `consent` (give `consent_at` "
        "and `consent_source`) or `legitimate_interest` (give `legitimate_interest_note`). "
        "A campaign that requires a legal basis holds a lead without one in the "
        "qualification queue.",
    )
    consent_at: datetime | None = Field(
        default=None, description="When the customer consented (ISO 8601; UTC if no offset)."
    )
    consent_source: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None,
        description="Where the customer consented, e.g. the web form's address or the fair.",
    )
    legitimate_interest_note: Annotated[str, StringConstraints(max_length=1000)] | None = Field(
        default=None, description="The legitimate interest the data is passed on for."
    )

    @field_validator("consent_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value

    @model_validator(mode="after")
    def _basis_complete(self) -> LegalBasisIn:
        """A legal basis comes whole: consent with its time and source, a legitimate
        interest with its note; its details never without it."""
        wanted = BASIS_DETAILS.get(self.legal_basis or "", ())
        given = {name for name in _DETAILS if getattr(self, name)}
        if missing := [name for name in wanted if name not in given]:
            raise ValueError(f"legal_basis {self.legal_basis} needs {', '.join(missing)}")
        if extra := sorted(given - set(wanted)):
            raise ValueError(f"{', '.join(extra)} needs the matching legal_basis")
        return self


class LeadIn(LegalBasisIn):
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
    country: CountryCode | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    product_line: Annotated[str, StringConstraints(max_length=100)] | None = None
    requirement: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    remarks: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    value: Money | None = None
    currency: CurrencyCode = "EUR"
    customer_external_id: Annotated[str, StringConstraints(max_length=100)] | None = None

    @field_validator("customer_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not _EMAIL.match(value):
            raise ValueError("not a valid email address")
        return value


Stage = Literal["contacted", "meeting", "proposal", "won", "lost"]


class FeedbackIn(Input):
    stage: Stage
    amount: Money | None = None
    currency: CurrencyCode | None = None
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None
    note: Annotated[str, StringConstraints(max_length=5_000)] | None = None


class DeclineIn(Input):
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class DealIn(Input):
    """A deal registration as the partner gives it (the portal's form, the API, a
    forwarded email once understood)."""

    customer_name: Short | None = None
    customer_company: Short | None = None
    customer_email: Annotated[str, StringConstraints(max_length=254)] | None = None
    customer_phone: Annotated[str, StringConstraints(max_length=50)] | None = None
    customer_external_id: Annotated[str, StringConstraints(max_length=100)] | None = None
    postal_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    city: Annotated[str, StringConstraints(max_length=100)] | None = None
    country: CountryCode | None = None
    product_line: Annotated[str, StringConstraints(max_length=100)] | None = None
    requirement: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    value: Money | None = None
    currency: CurrencyCode = "EUR"
    campaign: Annotated[str, StringConstraints(max_length=100)] | None = None
    note: Annotated[str, StringConstraints(max_length=1000)] | None = None

    @field_validator("customer_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not _EMAIL.match(value):
            raise ValueError("not a valid email address")
        return value
