"""The JSON API's request and response shapes (non-table pydantic models).

The OpenAPI document is generated from these models, and every response is dumped
through one of them, so the document and the implementation cannot drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from mailflow.i18n import Language
from mailflow.models.schemas import (
    _EMAIL,
    INT_MAX,
    CountryCode,
    DealIn,
    DeclineIn,
    FeedbackIn,
    Input,
    LeadIn,
    Query,
    Short,
)

__all__ = ["DealIn", "DeclineIn", "FeedbackIn", "LeadIn"]

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


class LeadOutcome(BaseModel):
    """How a closed lead ended (its last won/lost report); null while the lead is open."""

    stage: str  # won or lost
    amount: str | None  # decimal, as text
    currency: str | None
    reason: str | None
    at: datetime | None  # when it closed


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
    outcome: LeadOutcome | None  # null while open, and for a partner that does not own it
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


class DealConflict(BaseModel):
    """Something a registration's customer is already part of."""

    kind: Literal["lead", "registration", "customer"]
    id: int
    state: str | None
    organization_id: int | None
    match: list[Literal["domain", "company", "customer_id"]]


class DealOut(BaseModel):
    """A deal registration: the partner's own, or any for the manufacturer."""

    id: int
    state: str  # draft|submitted|approved|rejected|ended
    channel: str
    organization_id: int
    customer_name: str | None
    customer_company: str | None
    customer_email: str | None
    customer_phone: str | None
    customer_external_id: str | None
    requirement: str | None
    value: str | None
    currency: str
    note: str | None
    conflicts: list[DealConflict]  # for the manufacturer's keys only; a partner's: []
    lead_id: int | None
    exclusive_until: datetime | None
    created_at: datetime

    _aware = field_validator("exclusive_until", "created_at")(lambda v: _utc(v))


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


Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
# a country (``DE``) or a postal region (``DE-7``): :mod:`mailflow.rules.territory`
TerritoryEntry = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z]{2}(-[0-9A-Za-z]{1,10})?$"), AfterValidator(str.upper)
]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class BusinessHoursIn(Input):
    """When a partner works: offer deadlines count only these hours."""

    tz: Annotated[str, StringConstraints(max_length=50)] = "Europe/Berlin"
    days: Annotated[list[Annotated[int, Field(ge=0, le=6)]], Field(min_length=1, max_length=7)]
    start: ClockTime = "08:00"
    end: ClockTime = "17:00"

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(f"unknown time zone {value!r}")
        return value

    @model_validator(mode="after")
    def _opens_before_it_closes(self) -> BusinessHoursIn:
        if self.start >= self.end:
            raise ValueError("business hours must start before they end")
        self.days = sorted(set(self.days))
        return self


class PartnerIn(Input):
    """Create (POST) needs ``name``; update (PATCH) and upsert (PUT) may send a part.
    ``capacity`` and ``business_hours`` may be sent as null: no limit, the wall clock."""

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
    product_lines: Annotated[list[Term], Field(max_length=100)] | None = None
    territory: Annotated[list[TerritoryEntry], Field(max_length=200)] | None = None
    capacity: Annotated[int, Field(ge=0, le=10_000)] | None = None
    business_hours: BusinessHoursIn | None = None


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
    language: Language | None = None
    timezone: Annotated[str, StringConstraints(max_length=50)] | None = None
    receives_offers: bool | None = None
    # offers of cold leads: at once, or in a morning or afternoon digest
    offer_delivery: Literal["instant", "morning", "afternoon"] | None = None

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


# -- onboarding by invitation -----------------------------------------------------------
class InvitationIn(Input):
    """Invite a new partner (``partner_name``, optionally ``external_id``, ``country``,
    ``kind``) or one not active yet (``organization_id``) by one contact's address."""

    email: Annotated[str, StringConstraints(max_length=254)]
    name: Short | None = None  # the contact's name (default: the address)
    language: Language = "en"
    partner_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                   max_length=200)] | None = None  # fmt: skip
    organization_id: Id | None = None
    external_id: ExternalId | None = None
    country: CountryCode | None = None
    city: Annotated[str, StringConstraints(max_length=100)] | None = None
    kind: Kind | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError("not a valid email address")
        return value.lower()

    @model_validator(mode="after")
    def _partner(self) -> InvitationIn:
        if self.organization_id is None and not self.partner_name and not self.external_id:
            raise ValueError("partner_name (a new partner) or organization_id is required")
        return self


class InvitationOut(BaseModel):
    id: int
    organization_id: int
    contact_id: int
    email: str
    language: str
    state: str
    created_at: datetime
    reminders: int
    reminded_at: datetime | None
    expires_at: datetime
    accepted_at: datetime | None


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
    message: str = Field(description="the note in the answer's language")


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
    code: str = Field(description="the hard filter that excluded it: a key of excluded_counts")
    message: str = Field(description="why, in the answer's language")


class MatchingOut(BaseModel):
    lead_id: int
    partners: int
    eligible: int
    ring: list[int]
    candidates: list[Candidate]
    excluded_counts: dict[str, int]
    excluded: list[Excluded]
    language: str = Field(
        description="the language of the messages: the Accept-Language when we speak it, "
        "else the organisation's, else the installation's"
    )


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
    conversion: float | None  # won / (won + lost): the CR of mailflow.queries.kpi
    ttp_median_h: float | None = None  # hours from offer to pick, median
    adt_days: float | None = None  # days from pick to won, mean
    ads: float | None = None  # won amount, mean
    pli: float | None = None  # weighted open pipeline / the last 90 days' wins


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
