"""unsubscribe_reports: a contact turns off report emails (one-click, RFC 8058)."""

from __future__ import annotations

from mailflow import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotFound
from mailflow.models import Contact


def unsubscribe_reports(ctx: ActionContext, contact_id: int) -> Contact:
    contact = ctx.session.get(Contact, contact_id)
    if contact is None:
        raise NotFound("no such contact")
    if contact.receives_reports:  # a second click changes nothing and records nothing
        contact.receives_reports = False
        ctx.session.add(contact)
        audit.record(
            ctx,
            "contact.reports_off",
            organization_id=contact.organization_id,
            contact_id=contact.id,
        )
    return contact
