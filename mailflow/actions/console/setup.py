"""The first start of an installation without SQL (``mailflow setup``, ``mailflow user
add``): the manufacturer with its brand, and console users with a role and a password."""

from __future__ import annotations

from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotAllowed
from mailflow.i18n import LANGUAGES
from mailflow.models import Brand, Contact, Organization
from mailflow.queries.visibility import CONSOLE_ROLES
from mailflow.rules.passwords import WeakPassword, hash_password

MANUFACTURER = "manufacturer"


def create_manufacturer(ctx: ActionContext, name: str, brand: str) -> Organization:
    """The manufacturer and the brand its emails wear. One installation is one
    manufacturer: a second is refused (the console's pages change the first)."""
    name, brand = name.strip(), brand.strip()
    if not name or not brand:
        raise InvalidInput("the manufacturer and its brand need a name")
    existing = ctx.session.exec(
        select(Organization).where(Organization.kind == MANUFACTURER)
    ).first()
    if existing is not None:
        raise NotAllowed(f"this installation has its manufacturer already: {existing.name}")
    maker = Organization(name=name[:200], kind=MANUFACTURER, created_at=ctx.now)
    ctx.session.add(maker)
    ctx.session.flush()
    assert maker.id is not None
    ctx.session.add(
        Brand(organization_id=maker.id, name=brand[:200], sender_name=brand[:200],
              updated_at=ctx.now)
    )  # fmt: skip
    audit.record(ctx, "organization.created", organization_id=maker.id, org_kind=MANUFACTURER)
    return maker


def add_user(
    ctx: ActionContext,
    email: str,
    name: str,
    role: str,
    password: str,
    *,
    language: str = "en",
    organization_id: int | None = None,
) -> Contact:
    """A console user of ``organization_id`` (default: the manufacturer)."""
    email = email.strip().lower()
    if role not in CONSOLE_ROLES:
        raise InvalidInput(
            f"unknown console role {role!r} (one of {', '.join(sorted(CONSOLE_ROLES))})"
        )
    if "@" not in email or not name.strip():
        raise InvalidInput("a console user needs an email address and a name")
    if language not in LANGUAGES:
        raise InvalidInput(f"unknown language {language!r} (one of {', '.join(LANGUAGES)})")
    if ctx.session.exec(select(Contact).where(Contact.email == email)).first() is not None:
        raise NotAllowed(f"{email} exists already: mailflow user role / mailflow password")
    org = _organization(ctx, organization_id)
    assert org.id is not None
    try:
        secret = hash_password(password, email=email, name=name)
    except WeakPassword as exc:
        raise InvalidInput(str(exc)) from None
    contact = Contact(
        organization_id=org.id, name=name.strip()[:200], email=email, role=role,
        language=language, receives_offers=False, password_hash=secret, created_at=ctx.now,
    )  # fmt: skip
    ctx.session.add(contact)
    ctx.session.flush()
    audit.record(ctx, "contact.console_user_added", organization_id=org.id,
                 contact_id=contact.id, role=role)  # fmt: skip
    return contact


def _organization(ctx: ActionContext, organization_id: int | None) -> Organization:
    if organization_id is not None:
        org = ctx.session.get(Organization, organization_id)
        if org is None:
            raise InvalidInput(f"no organization {organization_id}")
        return org
    maker = ctx.session.exec(select(Organization).where(Organization.kind == MANUFACTURER)).first()
    if maker is None:
        raise NotAllowed("no manufacturer yet: run mailflow setup first")
    return maker
