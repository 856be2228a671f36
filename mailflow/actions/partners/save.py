"""partners: create, update and upsert partner organizations and their contacts
(API and CSV import use the same functions).

Contacts saved here are a partner's people only: the organization must be a partner
(distributor, dealer or agency, never the manufacturer), the role never a console role,
and a contact that can log in to the console (a console role or a password) is never
changed here — a console account is managed in the console, not by an API key or a file.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions._load import is_console_user
from mailflow.actions.console.sessions import end_sessions
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotAllowed, NotFound
from mailflow.actions.partners.deactivate import set_active
from mailflow.models import Contact, Organization
from mailflow.models.api_schemas import ContactIn, PartnerIn
from mailflow.queries.visibility import CONSOLE_ROLES
from mailflow.rules.geo import locate_city

# fields a caller may clear by sending null
NULLABLE = ("parent_id", "lat", "lon", "postal_code", "capacity")


def save_partner(
    ctx: ActionContext, data: PartnerIn, *, partner_id: int | None = None
) -> tuple[Organization, bool]:
    """Update ``partner_id``, or the partner with ``data.external_id``, or create one.
    Returns the row and whether it was created. ``active`` goes through
    :func:`set_active`: deactivation withdraws offers and suspends keys."""
    org = _find_partner(ctx, partner_id, data.external_id)
    fields = data.model_dump(exclude_unset=True)
    given = sorted(fields)
    active = fields.pop("active", None)
    created = org is None
    if org is None:
        if not data.name:
            raise InvalidInput("a new partner needs a name")
        # created inactive when asked (an invited partner): it never was in the pool
        org = Organization(
            name=data.name,
            kind=data.kind or "dealer",
            created_at=ctx.now,
            active=active is not False,
        )
        ctx.session.add(org)
    parent = fields.get("parent_id")
    if parent is not None and ctx.session.get(Organization, parent) is None:
        raise InvalidInput(f"no organization {parent} to be the parent")
    if "business_hours" in fields:  # null: offer deadlines count wall-clock hours
        hours = data.business_hours
        fields["business_hours"] = hours.model_dump() if hours is not None else {}
    for name, value in fields.items():
        if value is not None or name in NULLABLE:
            setattr(org, name, value)
    if org.lat is None and org.city and "city" in fields:
        place = locate_city(org.city, org.country)
        if place:
            org.lat, org.lon = place
    ctx.session.flush()
    audit.record(
        ctx,
        "partner.created" if created else "partner.updated",
        organization_id=org.id,
        fields=given,
    )
    if active is not None:
        set_active(ctx, org, active)
    return org, created


def _find_partner(
    ctx: ActionContext, partner_id: int | None, external_id: str | None
) -> Organization | None:
    if partner_id is not None:
        org = ctx.session.get(Organization, partner_id)
        if org is None or org.kind == "manufacturer":
            raise NotFound(f"no partner {partner_id}")
        return org
    if external_id:
        org = ctx.session.exec(
            select(Organization).where(Organization.external_id == external_id)
        ).first()
        if org is not None and org.kind == "manufacturer":
            raise NotAllowed(f"{external_id!r} is the manufacturer, not a partner")
        return org
    return None


def save_contact(
    ctx: ActionContext, data: ContactIn, *, contact_id: int | None = None
) -> tuple[Contact, bool]:
    contact = _find_contact(ctx, contact_id, data)
    fields: dict[str, Any] = data.model_dump(exclude_unset=True, exclude_none=True)
    created = contact is None
    if contact is not None:
        _check_not_console(ctx, contact)
    if fields.get("role") in CONSOLE_ROLES:
        raise NotAllowed(
            f"the role {fields['role']!r} logs in to the console; "
            "console roles are given in the console, not here"
        )
    if "organization_id" in fields:
        _partner_org(ctx, fields["organization_id"])
    if contact is None:
        if not (data.name and data.email and data.organization_id):
            raise InvalidInput("a new contact needs name, email and organization_id")
        contact = Contact(
            organization_id=data.organization_id,
            name=data.name,
            email=data.email,
            created_at=ctx.now,
        )
        ctx.session.add(contact)
    role, home = contact.role, contact.organization_id
    for name, value in fields.items():
        setattr(contact, name, value)
    ctx.session.flush()
    if not created and (contact.role, contact.organization_id) != (role, home):
        # the console sessions were issued for what the old role let the contact see
        end_sessions(ctx, contact, "role changed" if contact.role != role else "moved")
    audit.record(
        ctx,
        "contact.created" if created else "contact.updated",
        organization_id=contact.organization_id,
        contact_id=contact.id,
        fields=sorted(fields),
    )
    return contact, created


def _partner_org(ctx: ActionContext, organization_id: int) -> Organization:
    org = ctx.session.get(Organization, organization_id)
    if org is None:
        raise InvalidInput(f"no organization {organization_id}")
    if org.kind == "manufacturer":
        raise NotAllowed("contacts of the manufacturer are console users, managed in the console")
    return org


def _check_not_console(ctx: ActionContext, contact: Contact) -> None:
    """A console user (:func:`is_console_user`) is refused: changing its email would hand
    its password reset to someone else."""
    if is_console_user(ctx, contact):
        raise NotAllowed(
            f"contact {contact.id} is a console user; its account is managed in the console"
        )


def _find_contact(ctx: ActionContext, contact_id: int | None, data: ContactIn) -> Contact | None:
    """By id; else by external id; else the same email at the same partner."""
    if contact_id is not None:
        contact = ctx.session.get(Contact, contact_id)
        if contact is None:
            raise NotFound(f"no contact {contact_id}")
        return contact
    if data.external_id:
        return ctx.session.exec(
            select(Contact).where(Contact.external_id == data.external_id)
        ).first()
    if data.email and data.organization_id:
        return ctx.session.exec(
            select(Contact).where(
                Contact.organization_id == data.organization_id, Contact.email == data.email
            )
        ).first()
    return None
