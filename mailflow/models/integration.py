"""Direct connection: API keys, idempotency keys, webhooks and their outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from mailflow.models._fields import json_field
from mailflow.models.states import DeliveryState


class ApiKey(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=12, index=True)
    key_hash: str = Field(max_length=64, unique=True)
    scopes: list[str] = json_field(list)
    created_at: datetime
    revoked_at: datetime | None = None
    # Set while the key's organization is deactivated; reactivation clears it.
    suspended: bool = False


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
    events: list[str] = json_field(list)
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
    payload: dict[str, Any] = json_field(dict)
    state: str = Field(default=DeliveryState.PENDING, max_length=20)
    attempts: int = 0
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime
    claimed_at: datetime | None = None
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
