"""Onboarding by invitation: the staff invite a partner, the partner accepts the terms and
the data-processing agreement, keeps its profile and names its contacts, and is active.

The texts are versioned (``TermsVersion``: one row per kind and version, the text in each
language); every acceptance is a row naming the version accepted, who accepted it and when
(``TermsAcceptance``), so what a partner agreed to is never rewritten by a newer text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from mailflow.models._fields import json_field


class Invitation(SQLModel, table=True):
    """One partner invited by one address: ``invited`` until the partner accepts
    (``accepted``) or the invitation runs out (``expired``) or the staff withdraw it."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    contact_id: int = Field(foreign_key="contact.id")  # who was invited (its link)
    email: str = Field(max_length=254)
    language: str = Field(default="en", max_length=5)
    state: str = Field(default="invited", max_length=12, index=True)
    invited_by: str = Field(max_length=40)  # the actor: "console:4", "api:2", "import"
    created_at: datetime
    # the next reminder (None: none left); the sweep claims it with a conditional UPDATE
    remind_at: datetime | None = Field(default=None, index=True)
    reminders: int = 0
    reminded_at: datetime | None = None
    expires_at: datetime = Field(index=True)
    accepted_at: datetime | None = None


class TermsVersion(SQLModel, table=True):
    """One published version of the terms (``kind`` ``terms``) or of the data-processing
    agreement (``dpa``); ``texts`` maps a language to its text (English at least)."""

    __table_args__ = (UniqueConstraint("kind", "version", name="uq_termsversion_kind_version"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)  # terms|dpa
    version: int
    texts: dict[str, Any] = json_field(dict)
    published_at: datetime
    published_by: str = Field(max_length=40)


class TermsAcceptance(SQLModel, table=True):
    """A partner accepted one version: who (the contact), when, through which channel."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    contact_id: int = Field(foreign_key="contact.id")
    terms_version_id: int = Field(foreign_key="termsversion.id")
    kind: str = Field(max_length=10)
    version: int
    accepted_at: datetime
    channel: str = Field(max_length=10)
