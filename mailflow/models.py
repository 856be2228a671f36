"""Database tables (SQLModel). Table models skip validation: input is validated by the
non-table models in :mod:`mailflow.schemas` before it reaches these."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _json(default: Any) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


class Organization(SQLModel, table=True):
    """A node of the partner tree: manufacturer → distributor → dealer; agencies beside."""

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, unique=True, max_length=100)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20, index=True)  # manufacturer|distributor|dealer|agency
    parent_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    level: str = Field(default="standard", max_length=20)  # premium|gold|silver|standard
    certifications: list[str] = _json(list)
    expertise: list[str] = _json(list)
    languages: list[str] = _json(list)
    country: str | None = Field(default=None, max_length=2, index=True)
    city: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    lat: float | None = None
    lon: float | None = None
    away_until: datetime | None = None
    active: bool = True
    created_at: datetime


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
    last_login_at: datetime | None = None
    created_at: datetime
    # issue 6: False after a one-click unsubscribe from report emails (RFC 8058).
    receives_reports: bool = True


class Lead(SQLModel, table=True):
    """A customer enquiry. ``customer_*`` fields are personal data: only the owner sees them."""

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, unique=True, max_length=100)
    state: str = Field(default="new", max_length=20, index=True)
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
    state: str = Field(default="open", max_length=20)
    distance_km: float | None = None
    offered_at: datetime
    expires_at: datetime
    responded_at: datetime | None = None
    responded_by_id: int | None = Field(default=None, foreign_key="contact.id")
    reason: str | None = Field(default=None, max_length=500)


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
    data: dict[str, Any] = _json(dict)


class OutboundEmail(SQLModel, table=True):
    """The outbox: queued in the action's transaction, sent by a job after commit."""

    __table_args__ = (Index("ix_outbound_state_created", "state", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=50)
    lead_id: int | None = Field(default=None, foreign_key="lead.id", index=True)
    offer_id: int | None = Field(default=None, foreign_key="offer.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    to_addr: str = Field(max_length=254)
    language: str = Field(default="en", max_length=5)
    context: dict[str, Any] = _json(dict)
    message_id: str = Field(max_length=250, unique=True)
    state: str = Field(default="queued", max_length=20)  # queued|sending|sent|failed
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime
    claimed_at: datetime | None = None
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None


class InboundEmail(SQLModel, table=True):
    """A received message, stored raw before we answer 250."""

    id: int | None = Field(default=None, primary_key=True)
    received_at: datetime = Field(index=True)
    channel: str = Field(max_length=20)  # smtp|pipe|webhook
    mail_from: str | None = Field(default=None, max_length=500)
    rcpt_to: list[str] = _json(list)
    message_id: str | None = Field(default=None, max_length=500, index=True)
    sha256: str = Field(max_length=64, index=True)
    size: int
    raw: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    state: str = Field(default="received", max_length=20)
    attempts: int = 0
    outcome: dict[str, Any] = _json(dict)


class EmailTemplate(SQLModel, table=True):
    """A versioned template source edited by ops; files are version 0."""

    __table_args__ = (UniqueConstraint("kind", "version", name="uq_template_kind_version"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=50)
    version: int
    subject: str = Field(sa_column=Column(Text, nullable=False))
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_mjml: str = Field(sa_column=Column(Text, nullable=False))
    active: bool = False
    created_by: str | None = Field(default=None, max_length=100)
    created_at: datetime


class ApiKey(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=12, index=True)
    key_hash: str = Field(max_length=64, unique=True)
    scopes: list[str] = _json(list)
    created_at: datetime
    revoked_at: datetime | None = None


# -- issue 6: branded emails, report opt-out ------------------------------------------------
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
