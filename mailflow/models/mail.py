"""The email outbox, received messages, templates and report subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from mailflow.models._fields import json_field
from mailflow.models.states import InboundState, OutboundState


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
    context: dict[str, Any] = json_field(dict)
    message_id: str = Field(max_length=250, unique=True)
    state: str = Field(default=OutboundState.QUEUED, max_length=20)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime
    claimed_at: datetime | None = None
    # the worker process holding the claim: its heartbeat tells the sweep whether it lives
    claimed_by: str | None = Field(default=None, max_length=80)
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None


class InboundEmail(SQLModel, table=True):
    """A received message, stored raw before we answer 250."""

    id: int | None = Field(default=None, primary_key=True)
    received_at: datetime = Field(index=True)
    channel: str = Field(max_length=20)  # smtp|pipe|webhook|imap
    mail_from: str | None = Field(default=None, max_length=500)
    rcpt_to: list[str] = json_field(list)
    message_id: str | None = Field(default=None, max_length=500, index=True)
    sha256: str = Field(max_length=64, index=True)
    size: int
    raw: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    # indexed: the jobs find the waiting ones
    state: str = Field(default=InboundState.RECEIVED, max_length=20, index=True)
    attempts: int = 0
    claimed_at: datetime | None = None
    # the worker process holding the claim: its heartbeat tells the sweep whether it lives
    claimed_by: str | None = Field(default=None, max_length=80)
    processed_at: datetime | None = None
    # Where routing led, for the review queue and for erasing a lead's personal data.
    lead_id: int | None = Field(default=None, foreign_key="lead.id", index=True)
    offer_id: int | None = Field(default=None, foreign_key="offer.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    outcome: dict[str, Any] = json_field(dict)


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


class EmailWording(SQLModel, table=True):
    """Ops' wording of one email kind in one language: the catalog messages the kind uses,
    rewritten as plain text (``{msgid: text}``). ``state`` is ``draft`` (being edited,
    previewed) or ``published`` (used by every email of the kind in that language)."""

    __table_args__ = (UniqueConstraint("kind", "lang", "state", name="uq_wording_kind_lang_state"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=50)
    lang: str = Field(max_length=5)
    state: str = Field(max_length=10)
    texts: dict[str, str | list[str]] = json_field(dict)  # a plural message: its forms
    updated_by: str | None = Field(default=None, max_length=100)
    updated_at: datetime


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
