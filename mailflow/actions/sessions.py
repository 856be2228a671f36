"""end_sessions, log_out: every console session of a contact ends at once.

A console session cookie carries the contact's ``session_generation`` from its login, and
each request compares it with the row (:mod:`mailflow.web.console.auth`). Bumping the
generation therefore ends every session of that contact, on every device, including a
copied cookie: on logout, a new password and a new role.
"""

from __future__ import annotations

from mailflow import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotFound
from mailflow.models import Contact


def end_sessions(ctx: ActionContext, contact: Contact, reason: str) -> None:
    """Called inside the action that changes what the sessions were issued for."""
    contact.session_generation = (contact.session_generation or 0) + 1
    audit.record(
        ctx,
        "contact.sessions_ended",
        organization_id=contact.organization_id,
        contact_id=contact.id,
        reason=reason,
    )


def log_out(ctx: ActionContext, contact_id: int) -> None:
    contact = ctx.session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"no contact {contact_id}")
    end_sessions(ctx, contact, "logout")
