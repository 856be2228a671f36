"""save_brand: how a manufacturer's emails look (name, sender name, logo, colours, footer,
imprint). One Brand row per manufacturer; every save is an audited change."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotFound
from mailflow.mail.branding import HEX_COLOR
from mailflow.mail.compile import is_http_url
from mailflow.models import Brand, Organization

# the longest value of each field (the columns' sizes)
LIMITS = {"name": 200, "sender_name": 200, "logo_url": 500, "footer": 500, "imprint": 1000}


@dataclass(frozen=True)
class BrandInput:
    name: str
    sender_name: str | None = None
    logo_url: str | None = None
    color: str = "#0b5cad"
    background: str = "#eef1f4"
    footer: str | None = None
    imprint: str | None = None


def problems(data: BrandInput) -> list[str]:
    """What is wrong with ``data``, one sentence per field; ``[]`` when it may be saved."""
    found = []
    if not data.name.strip():
        found.append("name: the brand needs a name")
    for field, limit in LIMITS.items():
        value = getattr(data, field)
        if value and len(value) > limit:
            found.append(f"{field}: at most {limit} characters")
    if data.logo_url and not is_http_url(data.logo_url):
        found.append("logo_url: an http(s) address of an image")
    for field in ("color", "background"):
        if not HEX_COLOR.match(getattr(data, field)):
            found.append(f"{field}: a colour like #0b5cad")
    return found


def save_brand(ctx: ActionContext, organization_id: int, data: BrandInput) -> Brand:
    """Create or change the Brand of a manufacturer; refused for any other organization."""
    org = ctx.session.get(Organization, organization_id)
    if org is None or org.kind != "manufacturer":
        raise NotFound("no such manufacturer")
    wrong = problems(data)
    if wrong:
        raise InvalidInput("; ".join(wrong), problems=wrong)
    brand = ctx.session.exec(select(Brand).where(Brand.organization_id == organization_id)).first()
    created = brand is None
    if brand is None:
        brand = Brand(organization_id=organization_id, name=data.name, updated_at=ctx.now)
        ctx.session.add(brand)
    brand.name = data.name.strip()
    brand.sender_name = (data.sender_name or "").strip() or None
    brand.logo_url = (data.logo_url or "").strip() or None
    brand.color, brand.background = data.color, data.background
    brand.footer = (data.footer or "").strip() or None
    brand.imprint = (data.imprint or "").strip() or None
    brand.updated_at = ctx.now
    ctx.session.flush()
    audit.record(
        ctx,
        "brand.created" if created else "brand.changed",
        organization_id=organization_id,
        name=brand.name,
    )
    return brand
