"""The JSON API's request and response shapes (non-table pydantic models).

The OpenAPI document is generated from these models, and every response is dumped
through one of them, so the document and the implementation cannot drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from mailflow.schemas import (
    _EMAIL,
    INT_MAX,
    CountryCode,
    DeclineIn,
    FeedbackIn,
    Input,
    LeadIn,
    Query,
    Short,
)

__all__ = ["DeclineIn", "FeedbackIn", "LeadIn"]

Id = Annotated[int, Field(ge=1, le=INT_MAX)]
ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
WebhookEvent = Literal[
    "lead.offered",
    "lead.picked",
    "lead.feedback",
    "lead.won",
    "lead.lost",
    "offer.expired",
    "lead.unassigned",
]


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, str]] | None = None


# -- leads ------------------------------------------------------------------------------
class LeadQuery(Query):
    state: str | None = Field(default=None, max_length=20)
    temperature: Literal["hot", "warm", "cold"] | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    after: Annotated[int, Field(ge=0, le=INT_MAX)] | None = None  # cursor: the last id seen
    limit: Annotated[int, Field(ge=1, le=200)] = 50

    _aware = field_validator("created_after", "created_before")(lambda v: _utc(v))


class OrgRef(BaseModel):
    id: int
    name: str


class OfferOut(BaseModel):
    id: int
    lead_id: int
    organization: OrgRef
    ring: int
    state: str
    offered_at: datetime | None
    expires_at: datetime | None
    responded_at: datetime | None
    reason: str | None


class LeadOut(BaseModel):
    """A lead as the caller may see it: contact fields only for the manufacturer and owner."""

    id: int
    external_id: str | None
    state: str  # to a partner that does not own it, every state from the pick on is "taken"
    ring: int
    source: str
    temperature: str
    region: str
    city: str | None
    country: str | None
    product_line: str | None
    requirement: str | None
    value: str | None
    currency: str
    qualify_note: str | None
    created_at: datetime | None
    picked_at: datetime | None
    owner: OrgRef | None
    offers: list[OfferOut]
    customer_name: str | None = None
    customer_company: str | None = None
    customer_email: str | None = None
    customer_phone: str | None = None
    customer_street: str | None = None
    postal_code: str | None = None
    remarks: str | None = None


class LeadPage(BaseModel):
    items: list[LeadOut]
    next_after: int | None  # pass as ``after`` for the next page; null on the last page


class WithdrawIn(Input):
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class PickIn(Input):
    contact_id: Id | None = None  # who takes it on; default: the partner's first sales contact


class FeedbackOut(BaseModel):
    id: int
    lead_id: int
    stage: str
    lead_state: str


# -- offers -----------------------------------------------------------------------------
class OfferQuery(Query):
    state: Literal["open", "picked", "declined", "expired", "taken", "away", "withdrawn"] = "open"
    limit: Annotated[int, Field(ge=1, le=200)] = 100


class OfferItem(BaseModel):
    offer: OfferOut
    lead: LeadOut


class OfferPage(BaseModel):
    items: list[OfferItem]


# -- partners and contacts --------------------------------------------------------------
Kind = Literal["distributor", "dealer", "agency"]
Level = Literal["premium", "gold", "silver", "standard"]


class PartnerIn(Input):
    """Create (POST) needs ``name``; update (PATCH) and upsert (PUT) may send a part."""

    name: Short | None = None
    external_id: ExternalId | None = None
    kind: Kind | None = None
    parent_id: Id | None = None
    level: Level | None = None
    certifications: list[Annotated[str, StringConstraints(max_length=50)]] | None = None
    expertise: list[Annotated[str, StringConstraints(max_length=50)]] | None = None
    languages: list[Annotated[str, StringConstraints(max_length=5)]] | None = None
    country: CountryCode | None = None
    city: Annotated[str, StringConstraints(max_length=100)] | None = None
    postal_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    active: bool | None = None


class PartnerOut(BaseModel):
    id: int
    external_id: str | None
    name: str
    kind: str
    parent_id: int | None
    level: str
    certifications: list[str]
    expertise: list[str]
    languages: list[str]
    country: str | None
    city: str | None
    postal_code: str | None
    lat: float | None
    lon: float | None
    active: bool


class ContactIn(Input):
    name: Short | None = None
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    external_id: ExternalId | None = None
    organization_id: Id | None = None
    role: Literal["sales", "manager", "rep"] | None = None
    language: Literal["en", "de"] | None = None
    timezone: Annotated[str, StringConstraints(max_length=50)] | None = None
    receives_offers: bool | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError("not a valid email address")
        return value.lower() if value else value


class ContactOut(BaseModel):
    id: int
    organization_id: int
    external_id: str | None
    name: str
    email: str
    role: str
    language: str
    timezone: str
    receives_offers: bool


# -- matching and override (manufacturer keys) ------------------------------------------
class OfferToIn(Input):
    organization_ids: Annotated[list[Id], Field(min_length=1)]


class OfferRef(BaseModel):
    id: int
    organization_id: int
    ring: int


class OfferToOut(BaseModel):
    lead_id: int
    offers: list[OfferRef]


class AssignIn(Input):
    organization_id: Id


class AssignOut(BaseModel):
    lead_id: int
    owner_id: int
    offer_id: int


class MatchingQuery(Query):
    # the best N candidates with their scores, or ``all``
    limit: Annotated[int, Field(ge=1, le=100_000)] | Literal["all"] = 50


class Criterion(BaseModel):
    value: float
    weight: float
    note: str


class Candidate(BaseModel):
    organization_id: int
    name: str
    score: float
    existing_customer: bool
    criteria: dict[str, Criterion]


class Excluded(BaseModel):
    organization_id: int
    name: str
    reason: str


class MatchingOut(BaseModel):
    lead_id: int
    partners: int
    eligible: int
    ring: list[int]
    candidates: list[Candidate]
    excluded_counts: dict[str, int]
    excluded: list[Excluded]


# -- KPIs -------------------------------------------------------------------------------
class KpiQuery(Query):
    since: datetime | None = None
    until: datetime | None = None

    _aware = field_validator("since", "until")(lambda v: _utc(v))


class KpiRow(BaseModel):
    organization_id: int
    organization: str
    offered: int
    picked: int
    won: int
    lost: int
    pick_rate: float | None  # picked / offered
    conversion: float | None  # won / picked


class KpiReport(BaseModel):
    since: datetime
    until: datetime
    rows: list[KpiRow]


# -- webhooks ---------------------------------------------------------------------------
class WebhookIn(Input):
    url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=500)]
    events: Annotated[list[WebhookEvent], Field(min_length=1)]


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    active: bool
    created_at: datetime | None
    secret: str | None = None  # only in the answer to the creation


class WebhookList(BaseModel):
    items: list[WebhookOut]
