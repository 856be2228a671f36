"""API keys: shown once, stored as a SHA-256 hash with a short prefix for lookup."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, select

from mailflow.models import ApiKey, Organization

PREFIX_LEN = 8

# What a key may do, by the organization's kind (a key may be given fewer).
MANUFACTURER_SCOPES = (
    "deals:read",
    "leads:read",
    "leads:write",
    "offers:read",
    "partners:read",
    "partners:write",
    "kpis:read",
    "webhooks:read",
    "webhooks:write",
)
PARTNER_SCOPES = (
    "deals:read",
    "deals:write",
    "leads:read",
    "offers:read",
    "offers:write",
    "partners:read",
    "kpis:read",
    "webhooks:read",
    "webhooks:write",
)

ALL_SCOPES = tuple(sorted(set(MANUFACTURER_SCOPES) | set(PARTNER_SCOPES)))


def default_scopes(kind: str) -> list[str]:
    return list(MANUFACTURER_SCOPES if kind == "manufacturer" else PARTNER_SCOPES)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return "mf_" + secrets.token_urlsafe(30)


def store(
    session: Session,
    organization_id: int,
    key: str,
    name: str,
    now: datetime,
    scopes: list[str] | None = None,
) -> ApiKey:
    """Store ``key`` for the organization (idempotent for the same key)."""
    digest = hash_key(key)
    existing = session.exec(select(ApiKey).where(ApiKey.key_hash == digest)).first()
    if existing is not None:
        return existing
    row = ApiKey(
        organization_id=organization_id,
        name=name,
        prefix=key[:PREFIX_LEN],
        key_hash=digest,
        scopes=scopes if scopes is not None else _scopes_for(session, organization_id),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def lookup(session: Session, key: str) -> ApiKey | None:
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == hash_key(key))).first()
    if row is None or row.revoked_at is not None or row.suspended:
        return None
    return row


def _scopes_for(session: Session, organization_id: int) -> list[str]:

    org = session.get(Organization, organization_id)
    return default_scopes(org.kind if org else "dealer")
