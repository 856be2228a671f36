"""end_sessions, log_out, set_role, disable_login: every console session of a contact ends
at once; the last admin who can log in keeps its role and its login.

A console session cookie carries the contact's ``session_generation`` from its login, and
each request compares it with the row (:mod:`mailflow.web.console.auth`). Bumping the
generation therefore ends every session of that contact, on every device, including a
copied cookie: on logout, a new password and a new role.
"""

from __future__ import annotations

from sqlmodel import col, select

from mailflow.actions import audit
from mailflow.actions._load import contact_by_email
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotAllowed, NotFound
from mailflow.models import Contact
from mailflow.queries.visibility import CONSOLE_ROLES


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


def set_role(ctx: ActionContext, email: str, role: str) -> Contact:
    """Give a console user another role (``mailflow user role``); its sessions end, since
    they were issued for what the old role let it see."""
    if role not in CONSOLE_ROLES:
        raise InvalidInput(
            f"unknown console role {role!r} (one of {', '.join(sorted(CONSOLE_ROLES))})"
        )
    contact = contact_by_email(ctx, email)
    old = contact.role
    if old == role:
        return contact
    _keep_an_admin(ctx, contact, f"giving {contact.email} the role {role}")
    contact.role = role
    audit.record(
        ctx,
        "contact.role_changed",
        organization_id=contact.organization_id,
        contact_id=contact.id,
        old=old,
        new=role,
    )
    end_sessions(ctx, contact, "role changed")
    return contact


def disable_login(ctx: ActionContext, email: str) -> Contact:
    """Take a console user's login away (``mailflow user disable``): no password, no
    console role, every session ended. The contact itself stays for the audit trail."""
    contact = contact_by_email(ctx, email)
    _keep_an_admin(ctx, contact, f"disabling {contact.email}")
    contact.password_hash = None
    if contact.role in CONSOLE_ROLES:
        contact.role = "sales"
    audit.record(
        ctx,
        "contact.login_disabled",
        organization_id=contact.organization_id,
        contact_id=contact.id,
    )
    end_sessions(ctx, contact, "login disabled")
    return contact


def _keep_an_admin(ctx: ActionContext, contact: Contact, change: str) -> None:
    """Refuse to take the admin role or login from the last admin who can log in: the
    console's admin pages would have nobody left to open them, and a slip of the operator
    would lock the manufacturer out. The admins' rows are locked (PostgreSQL) so that two
    concurrent demotions cannot each see the other admin still there."""
    if contact.role != "admin" or not contact.password_hash:
        return
    admins = ctx.session.exec(
        select(Contact.id)
        .where(
            Contact.role == "admin",
            col(Contact.password_hash).is_not(None),
            Contact.password_hash != "",
        )
        .order_by(col(Contact.id))
        .with_for_update()
    ).all()
    if set(admins) <= {contact.id}:
        raise NotAllowed(
            f"refused {change}: it is the last admin who can log in; "
            "make another user admin first (mailflow user add / mailflow user role)"
        )
