"""Which brand an email wears: the Brand row of the recipient's manufacturer.

The partner tree is walked up from the contact's organization to the first organization
with a Brand row. Brands and the parent map are read with two queries and kept for
``ttl`` seconds, so a fan-out of thousands of emails does not query per email.
"""

from __future__ import annotations

import re
import threading
import time
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from mailflow.models import Brand, Organization

if TYPE_CHECKING:
    from mailflow.db import Database
    from mailflow.settings import Settings

HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
BRAND_TTL_S = 30.0


def default_brand(settings: Settings) -> dict[str, Any]:
    name = parseaddr(settings.mail_from)[0] or "mailflow"
    return {
        "name": name,
        "sender_name": name,
        "logo_url": None,
        "color": "#0b5cad",
        "background": "#eef1f4",
        "footer": None,
        "imprint": None,
        "base_url": settings.base_url,
    }


def as_dict(brand: Brand, settings: Settings) -> dict[str, Any]:
    return {
        "name": brand.name,
        "sender_name": brand.sender_name or brand.name,
        "logo_url": brand.logo_url,
        "color": brand.color if HEX_COLOR.match(brand.color) else "#0b5cad",
        "background": brand.background if HEX_COLOR.match(brand.background) else "#eef1f4",
        "footer": brand.footer,
        "imprint": brand.imprint,
        "base_url": settings.base_url,
    }


class BrandBook:
    def __init__(self, db: Database, settings: Settings, ttl: float = BRAND_TTL_S) -> None:
        self._db = db
        self._settings = settings
        self._ttl = ttl
        self._lock = threading.Lock()
        self._loaded_at = float("-inf")
        self._brands: dict[int, dict[str, Any]] = {}
        self._parents: dict[int, int | None] = {}
        self._default = default_brand(settings)  # settings are frozen: parse them once

    def invalidate(self) -> None:
        self._loaded_at = float("-inf")

    def _load(self) -> None:
        if time.monotonic() - self._loaded_at < self._ttl:
            return
        with self._lock, self._db.read() as s:
            brands = s.exec(select(Brand)).all()
            parents = s.exec(select(Organization.id, Organization.parent_id)).all()
            self._brands = {b.organization_id: as_dict(b, self._settings) for b in brands}
            self._parents = {oid: pid for oid, pid in parents if oid is not None}
            self._loaded_at = time.monotonic()

    def for_organization(self, organization_id: int | None) -> dict[str, Any]:
        """The brand of the organization's manufacturer; the only brand when the
        organization is unknown and there is just one; else the default from settings."""
        self._load()
        seen: set[int] = set()
        org = organization_id
        while org is not None and org not in seen:
            if org in self._brands:
                return self._brands[org]
            seen.add(org)
            org = self._parents.get(org)
        if len(self._brands) == 1:
            return next(iter(self._brands.values()))
        return self._default
