"""Where a partner's installed "My leads" app receives notifications (Web Push): one row
per browser subscription, as the browser's PushManager hands it over."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class PushSubscription(SQLModel, table=True):
    __tablename__ = "push_subscription"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    # the push service's URL for this browser (RFC 8030); one browser, one row
    endpoint: str = Field(max_length=1000, unique=True)
    p256dh: str = Field(max_length=200)  # the browser's public key (RFC 8291), base64url
    auth: str = Field(max_length=100)  # the browser's authentication secret, base64url
    created_at: datetime
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=300)
