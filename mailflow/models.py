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

    # the matcher pre-filters candidates by a bounding box around the lead
    __table_args__ = (Index("ix_organization_lat_lon", "lat", "lon"),)

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
    # matching
    product_lines: list[str] = _json(list)
    territory: list[str] = _json(list)  # "DE", "DE-7", "AT-1": empty = own country
    capacity: int | None = None  # open leads it can handle at once; None: no limit
    # {} = SLAs in wall-clock hours; else {"tz", "days", "start", "end", "subdiv"}
    business_hours: dict[str, Any] = _json(dict)


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
    # enrichment, external customer id, the business domain duplicates and conflicts use
    customer_external_id: str | None = Field(default=None, max_length=100, index=True)
    company_data: dict[str, Any] = _json(dict)
    customer_domain: str | None = Field(default=None, max_length=254, index=True)  # business
    # feedback follow-up of a picked lead (the sweeps read these columns)
    feedback_due_at: datetime | None = Field(default=None, index=True)
    next_reminder_at: datetime | None = Field(default=None, index=True)
    reminders_sent: int = 0


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
    # the one reminder before the SLA runs out; NULL once sent or not wanted
    remind_at: datetime | None = Field(default=None, index=True)


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
    state: str = Field(default="received", max_length=20, index=True)  # jobs find waiting ones
    attempts: int = 0
    claimed_at: datetime | None = None
    processed_at: datetime | None = None
    # Where routing led, for the review queue and for erasing a lead's personal data.
    lead_id: int | None = Field(default=None, foreign_key="lead.id", index=True)
    offer_id: int | None = Field(default=None, foreign_key="offer.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
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
    # Set while the key's organization is deactivated; reactivation clears it.
    suspended: bool = False


# -- qualification, matching, fairness ------------------------------------------


class Campaign(SQLModel, table=True):
    """What a lead of this campaign (or source) needs before it goes out, and how partners
    are weighed for it. Criteria are data: ops edit them without a deploy."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    required_fields: list[str] = _json(list)
    allowed_countries: list[str] = _json(list)  # empty: any country
    min_value: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 2)))
    # simple rules: [{"field": "requirement", "op": "min_length", "value": 20}, ...]
    rules: list[dict[str, Any]] = _json(list)
    # an agency organization that checks each lead before it goes out (None: no step)
    agency_id: int | None = Field(default=None, foreign_key="organization.id")
    required_certification: str | None = Field(default=None, max_length=100)
    weights: dict[str, float] = _json(dict)  # criterion → weight; missing: the default
    small_share: float | None = None  # share of each ring for smaller partners
    max_distance_km: float | None = None
    created_at: datetime


class PostalCode(SQLModel, table=True):
    """An operator-loaded postal code centroid (GeoNames postal-code format)."""

    __table_args__ = (UniqueConstraint("country", "code", name="uq_postalcode_country_code"),)

    id: int | None = Field(default=None, primary_key=True)
    country: str = Field(max_length=2)
    code: str = Field(max_length=20)
    place: str | None = Field(default=None, max_length=180)
    lat: float
    lon: float


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


class MatchPoolVersion(SQLModel, table=True):
    """One row whose token database triggers replace, in the writing transaction, whenever
    something the matcher caches per process changes (an organization, a contact's
    reachability, PartnerStats; see :mod:`mailflow.poolversion`). A cached partner pool is
    current while the token it was built under is still the one in this row."""

    id: int = Field(default=1, primary_key=True)
    token: str = Field(max_length=32)


class FailedJob(SQLModel, table=True):
    """A job that exhausted its retries: kept for the console, never retried blindly."""

    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(max_length=100, index=True)
    message_id: str = Field(max_length=100, unique=True)
    args: list[Any] = _json(list)
    retries: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text))
    failed_at: datetime = Field(index=True)


# -- direct connection (API idempotency, webhooks, contact external ids) ----------


class IdempotencyKey(SQLModel, table=True):
    """A client's ``Idempotency-Key`` for POST /leads: the same key returns the same lead."""

    __table_args__ = (UniqueConstraint("api_key_id", "key", name="uq_idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    api_key_id: int = Field(foreign_key="apikey.id", index=True)
    key: str = Field(max_length=200)
    fingerprint: str = Field(max_length=64)  # SHA-256 of the request body
    lead_id: int = Field(foreign_key="lead.id")
    created_at: datetime


class Webhook(SQLModel, table=True):
    """An organization's endpoint for events; ``secret`` signs every delivery."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    url: str = Field(max_length=500)
    events: list[str] = _json(list)
    secret: str = Field(max_length=100)
    active: bool = True
    created_at: datetime
    # Circuit breaker: consecutive timeouts, and until when deliveries to it wait.
    timeouts: int = 0
    open_until: datetime | None = None


class WebhookDelivery(SQLModel, table=True):
    """The webhook outbox: written in the transaction that records the event."""

    __table_args__ = (Index("ix_webhookdelivery_state_next", "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="event.id")
    kind: str = Field(max_length=50)
    lead_id: int | None = Field(default=None, foreign_key="lead.id", index=True)
    payload: dict[str, Any] = _json(dict)
    state: str = Field(default="pending", max_length=20)  # pending|sending|delivered|failed
    attempts: int = 0
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime
    claimed_at: datetime | None = None
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None


# -- hierarchy, territories, reports, points ---------------------------------


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


class OrgAssignment(SQLModel, table=True):
    """Which territory a partner belongs to and which partner manager owns it directly."""

    organization_id: int = Field(foreign_key="organization.id", primary_key=True)
    territory_id: int | None = Field(default=None, foreign_key="territory.id", index=True)
    manager_contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)


class ReportSubscription(SQLModel, table=True):
    """When a contact gets the weekly report (in their own time zone) and the last period
    sent: the sweep claims a period by a conditional UPDATE of ``last_period``."""

    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    weekday: int = 0  # 0 = Monday
    hour: int = 7
    # The one opt-out of report emails: the RFC 8058 link, the page and the console set it.
    opted_out: bool = False
    last_period: str | None = Field(default=None, max_length=10)  # ISO week "2026-W47"
    updated_at: datetime


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


# -- branded emails, report opt-out ------------------------------------------------
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
