"""API keys: shown once, stored as a SHA-256 hash with a short prefix for lookup."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, select

from mailflow.models import ApiKey

PREFIX_LEN = 8


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
        scopes=scopes or ["leads:write", "leads:read"],
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def lookup(session: Session, key: str) -> ApiKey | None:
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == hash_key(key))).first()
    if row is None or row.revoked_at is not None:
        return None
    return row
