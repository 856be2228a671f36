"""Partner organizations, their contacts and territories, and their brands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from mailflow.models._fields import json_field


class Organization(SQLModel, table=True):
    """A node of the partner tree: manufacturer → distributor → dealer; agencies beside."""

    # the matcher pre-filters candidates by a bounding box around the lead
    __table_args__ = (Index("ix_organization_lat_lon", "lat", "lon"),)

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, unique=True, max_length=100)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20, index=True)  # manufacturer|distributor|dealer|agency
    parent_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    level: str = Field(default="standard", max_length=20)  # premium|gold|silver|standard
    certifications: list[str] = json_field(list)
    expertise: list[str] = json_field(list)
    languages: list[str] = json_field(list)
    country: str | None = Field(default=None, max_length=2, index=True)
    city: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    lat: float | None = None
    lon: float | None = None
    active: bool = True
    created_at: datetime
    # matching
    product_lines: list[str] = json_field(list)
    territory: list[str] = json_field(list)  # "DE", "DE-7", "AT-1": empty = own country
    capacity: int | None = None  # open leads it can handle at once; None: no limit
    # {} = SLAs in wall-clock hours; else {"tz", "days", "start", "end", "subdiv"}
    business_hours: dict[str, Any] = json_field(dict)


class Contact(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=254, index=True)
    role: str = Field(default="sales", max_length=30)  # sales|manager|rep|partner_manager|admin
    language: str = Field(default="en", max_length=5)
    timezone: str = Field(default="Europe/Berlin", max_length=50)
    receives_offers: bool = True
    undeliverable: bool = False
    # Console access: only contacts with a console role and a password can log in.
    password_hash: str | None = Field(default=None, max_length=255)
    soft_bounces: int = 0
    last_login_at: datetime | None = None
    created_at: datetime
    external_id: str | None = Field(default=None, unique=True, max_length=100)
    # Console sessions carry the generation they were issued for: logout, a password change
    # and a role change bump it, and every older cookie stops working.
    session_generation: int = 0
    # A colleague added on the profile page is invited: it gets nothing until it confirms
    # by its own signed link. A removed contact stays as the record of what it did.
    invited_by_id: int | None = None  # the colleague who invited it (no foreign key: see 0107)
    confirmed_at: datetime | None = None
    removed_at: datetime | None = None
    # offers of cold leads: "instant", or collected into a "morning" or "afternoon" digest
    offer_delivery: str = Field(default="instant", max_length=10)

    @property
    def pending(self) -> bool:
        """Invited and not confirmed yet."""
        return self.invited_by_id is not None and self.confirmed_at is None


class Territory(SQLModel, table=True):
    """A manufacturer-side partner manager's area: a country, optionally narrowed to a
    region or a postal-code range (``postal_from``..``postal_to``, compared as text)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    manager_contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    country: str = Field(max_length=2)
    region: str | None = Field(default=None, max_length=100)
    postal_from: str | None = Field(default=None, max_length=20)
    postal_to: str | None = Field(default=None, max_length=20)
    created_at: datetime


class AwayPeriod(SQLModel, table=True):
    """A partner's contact away from ``starts_at`` until ``ends_at``: a colleague
    (``stand_in_id``) gets the offers meant for it meanwhile; without one the partner
    pauses offers altogether. Ended early by moving ``ends_at``; rows stay as the record."""

    # the matcher reads the periods not yet over at every ranking
    __table_args__ = (Index("ix_awayperiod_ends_at_starts_at", "ends_at", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    contact_id: int = Field(foreign_key="contact.id")  # who is away
    stand_in_id: int | None = Field(default=None, foreign_key="contact.id")
    starts_at: datetime
    ends_at: datetime
    created_by_id: int | None = Field(default=None, foreign_key="contact.id")
    created_at: datetime
    # when the offers open at its start were handed on (to the colleague, or moved on)
    handed_on_at: datetime | None = None


class TerritoryRequest(SQLModel, table=True):
    """A partner asked for regions beyond what the manufacturer allows it (the profile
    page): ``pending`` until a partner manager approves or rejects it by its signed link;
    a newer request of the same partner supersedes it."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    contact_id: int = Field(foreign_key="contact.id")  # who asked
    territory: list[str] = json_field(list)  # the regions asked for, whole
    wider: list[str] = json_field(list)  # those of them beyond what is allowed
    state: str = Field(default="pending", max_length=12)  # pending|approved|rejected|superseded
    created_at: datetime
    decided_at: datetime | None = None
    decided_by_id: int | None = Field(default=None, foreign_key="contact.id")


class DigestItem(SQLModel, table=True):
    """An offer of a cold lead held for a contact's next digest (its ``offer_delivery``)."""

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    offer_id: int = Field(foreign_key="offer.id")
    due_at: datetime = Field(index=True)
    sent_at: datetime | None = None
    created_at: datetime


class OrgAssignment(SQLModel, table=True):
    """Which territory a partner belongs to and which partner manager owns it directly."""

    organization_id: int = Field(foreign_key="organization.id", primary_key=True)
    territory_id: int | None = Field(default=None, foreign_key="territory.id", index=True)
    manager_contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)


class CustomerLink(SQLModel, table=True):
    """A customer who already belongs to a partner (channel conflict): by email domain or by
    the customer's external id (e.g. the CRM account number)."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    email_domain: str | None = Field(default=None, max_length=254, index=True)
    customer_external_id: str | None = Field(default=None, max_length=100, index=True)
    created_at: datetime


class PartnerStats(SQLModel, table=True):
    """Past performance over the last 180 days, per organization; refreshed by a job so that
    ranking reads one row per candidate instead of aggregating history per lead."""

    organization_id: int = Field(foreign_key="organization.id", primary_key=True)
    offers: int = 0
    picks: int = 0
    won: int = 0
    unreported: int = 0  # picked more than 14 days ago, no feedback since
    median_pick_hours: float | None = None
    recent_offers: int = 0  # last 30 days: load balancing
    refreshed_at: datetime


class Brand(SQLModel, table=True):
    """How a manufacturer's emails look: one row per manufacturer Organization."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", unique=True)
    name: str = Field(max_length=200)
    sender_name: str | None = Field(default=None, max_length=200)
    logo_url: str | None = Field(default=None, max_length=500)
    color: str = Field(default="#0b5cad", max_length=7)
    background: str = Field(default="#eef1f4", max_length=7)
    footer: str | None = Field(default=None, max_length=500)
    imprint: str | None = Field(default=None, max_length=1000)
    updated_at: datetime
