"""Leads, their offers and the partners' feedback, with what qualifies and places them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Index, Numeric, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from mailflow.models._fields import json_field
from mailflow.models.states import LeadState, OfferState


class Lead(SQLModel, table=True):
    """A customer enquiry. ``customer_*`` fields are personal data: only the owner sees them."""

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, unique=True, max_length=100)
    state: str = Field(default=LeadState.NEW, max_length=20, index=True)
    temperature: str = Field(default="warm", max_length=10)
    source: str = Field(default="api", max_length=50)
    campaign: str | None = Field(default=None, max_length=100)
    customer_name: str | None = Field(default=None, max_length=200)
    customer_company: str | None = Field(default=None, max_length=200)
    customer_email: str | None = Field(default=None, max_length=254)
    customer_phone: str | None = Field(default=None, max_length=50)
    customer_street: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=20)
    city: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=2)
    lat: float | None = None
    lon: float | None = None
    product_line: str | None = Field(default=None, max_length=100)
    requirement: str | None = Field(default=None, sa_column=Column(Text))
    remarks: str | None = Field(default=None, sa_column=Column(Text))
    value: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 2)))
    currency: str = Field(default="EUR", max_length=3)
    ring: int = 0
    owner_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    owner_contact_id: int | None = Field(default=None, foreign_key="contact.id")
    qualify_note: str | None = Field(default=None, max_length=500)
    created_at: datetime
    updated_at: datetime
    offered_at: datetime | None = None
    picked_at: datetime | None = None
    closed_at: datetime | None = None
    # enrichment, external customer id, the business domain duplicates and conflicts use
    customer_external_id: str | None = Field(default=None, max_length=100, index=True)
    company_data: dict[str, Any] = json_field(dict)
    customer_domain: str | None = Field(default=None, max_length=254, index=True)  # business
    # feedback follow-up of a picked lead (the sweeps read these columns)
    feedback_due_at: datetime | None = Field(default=None, index=True)
    next_reminder_at: datetime | None = Field(default=None, index=True)
    reminders_sent: int = 0
    # the legal basis for passing the customer's data on (a campaign may require one):
    # consent, with when and where it was given, or the manufacturer's legitimate interest
    legal_basis: str | None = Field(default=None, max_length=20)  # consent|legitimate_interest
    consent_at: datetime | None = None
    consent_source: str | None = Field(default=None, max_length=200)
    legitimate_interest_note: str | None = Field(default=None, max_length=1000)
    # when the retention sweep dropped the customer's personal data of the closed lead
    anonymised_at: datetime | None = None


class Offer(SQLModel, table=True):
    """A lead offered to one organization in one ring."""

    __table_args__ = (
        UniqueConstraint("lead_id", "organization_id", "ring", name="uq_offer_lead_org_ring"),
        Index("ix_offer_state_expires", "state", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="lead.id", index=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    ring: int = 1
    state: str = Field(default=OfferState.OPEN, max_length=20)
    distance_km: float | None = None
    offered_at: datetime
    expires_at: datetime
    responded_at: datetime | None = None
    responded_by_id: int | None = Field(default=None, foreign_key="contact.id")
    reason: str | None = Field(default=None, max_length=500)
    # the one reminder before the SLA runs out; NULL once sent or not wanted
    remind_at: datetime | None = Field(default=None, index=True)
    # the ranking the offer was made from (Match.snapshot); None for a person's choice
    ranking: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class Feedback(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="lead.id", index=True)
    organization_id: int = Field(foreign_key="organization.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    stage: str = Field(max_length=20)
    amount: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 2)))
    currency: str | None = Field(default=None, max_length=3)
    reason: str | None = Field(default=None, max_length=500)
    note: str | None = Field(default=None, sa_column=Column(Text))
    channel: str = Field(max_length=20)
    created_at: datetime


class Campaign(SQLModel, table=True):
    """What a lead of this campaign (or source) needs before it goes out, and how partners
    are weighed for it. Criteria are data: ops edit them without a deploy."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    required_fields: list[str] = json_field(list)
    allowed_countries: list[str] = json_field(list)  # empty: any country
    min_value: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 2)))
    # simple rules: [{"field": "requirement", "op": "min_length", "value": 20}, ...]
    rules: list[dict[str, Any]] = json_field(list)
    # an agency organization that checks each lead before it goes out (None: no step)
    agency_id: int | None = Field(default=None, foreign_key="organization.id")
    required_certification: str | None = Field(default=None, max_length=100)
    weights: dict[str, float] = json_field(dict)  # criterion → weight; missing: the default
    small_share: float | None = None  # share of each ring for smaller partners
    max_distance_km: float | None = None
    created_at: datetime
    # an approved deal registration is the partner's alone this long
    exclusivity_days: int = Field(default=90, sa_column_kwargs={"server_default": "90"})
    # a lead waits in the qualification queue until it has a legal basis (consent or a
    # legitimate-interest note)
    requires_legal_basis: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # and this much longer each time the staff grant the partner more time
    extension_days: int = Field(default=30, sa_column_kwargs={"server_default": "30"})


class PostalCode(SQLModel, table=True):
    """An operator-loaded postal code centroid (GeoNames postal-code format)."""

    __table_args__ = (UniqueConstraint("country", "code", name="uq_postalcode_country_code"),)

    id: int | None = Field(default=None, primary_key=True)
    country: str = Field(max_length=2)
    code: str = Field(max_length=20)
    place: str | None = Field(default=None, max_length=180)
    lat: float
    lon: float


class MatchPoolVersion(SQLModel, table=True):
    """One row whose token database triggers replace, in the writing transaction, whenever
    something the matcher caches per process changes (an organization, a contact's
    reachability, PartnerStats; see :mod:`mailflow.db.poolversion`). A cached partner pool is
    current while the token it was built under is still the one in this row."""

    id: int = Field(default=1, primary_key=True)
    token: str = Field(max_length=32)


# KPI queries filter leads and offers by time; these keep a weekly KPI run on an index.
Index("ix_lead_owner_picked", Lead.owner_id, Lead.picked_at)  # type: ignore[arg-type]
Index("ix_lead_owner_closed", Lead.owner_id, Lead.closed_at)  # type: ignore[arg-type]
Index("ix_lead_picked_at", Lead.picked_at)  # type: ignore[arg-type]
Index("ix_lead_closed_at", Lead.closed_at)  # type: ignore[arg-type]
Index("ix_lead_owner_contact", Lead.owner_contact_id)  # type: ignore[arg-type]
Index("ix_offer_offered_at", Offer.offered_at)  # type: ignore[arg-type]
Index("ix_offer_org_offered", Offer.organization_id, Offer.offered_at)  # type: ignore[arg-type]
Index("ix_feedback_lead_at", Feedback.lead_id, Feedback.created_at)  # type: ignore[arg-type]
Index("ix_offer_responded_at", Offer.responded_at)  # type: ignore[arg-type]
# Covers the open-pipeline scan (state, owner, value, last change) without table lookups.
_covering: list[Any] = [
    Lead.state,
    Lead.owner_id,
    Lead.value,
    Lead.updated_at,
    Lead.owner_contact_id,
]
Index("ix_lead_state_owner", *_covering)
