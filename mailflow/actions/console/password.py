"""request_password_reset, reset_password: console password reset by email;
set_password: the CLI's ``mailflow password``.

The link carries a signed, expiring token bound to a fingerprint of the current password
hash: once the password changes, every older link is spent (single use). A new password
meets :func:`mailflow.rules.passwords.check_password` and ends every console session of the
contact.
"""

from __future__ import annotations

from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions._load import contact_by_email
from mailflow.actions.console.sessions import end_sessions
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotAllowed
from mailflow.actions.outbound import outbox
from mailflow.links.claims import ResetClaim, fingerprint
from mailflow.links.signer import TokenExpired, TokenInvalid
from mailflow.mail import messages
from mailflow.models import Contact
from mailflow.queries.visibility import CONSOLE_ROLES
from mailflow.rules.passwords import WeakPassword, hash_password


def request_password_reset(ctx: ActionContext, email: str) -> bool:
    """Queue the reset email when the address belongs to a console user. The caller shows
    the same answer either way, so the form does not reveal who has a login."""
    contact = ctx.session.exec(
        select(Contact).where(Contact.email == email.strip().lower())
    ).first()
    if contact is None or contact.role not in CONSOLE_ROLES or contact.id is None:
        return False
    outbox.queue(ctx, "password_reset", contact, messages.password_reset(ctx.rt, contact))
    audit.record(ctx, "password.reset_requested", contact_id=contact.id)
    return True


def check_reset_token(ctx: ActionContext, token: str) -> Contact:
    try:
        claim = ctx.rt.signer.read(ResetClaim, token)
    except (TokenInvalid, TokenExpired):
        raise NotAllowed("this reset link is not valid (any more)") from None
    contact = ctx.session.get(Contact, claim.contact_id)
    if (
        contact is None
        or contact.role not in CONSOLE_ROLES
        or claim.fingerprint != fingerprint(contact.password_hash)
    ):
        raise NotAllowed("this reset link was used already")
    return contact


def reset_password(ctx: ActionContext, token: str, password: str) -> Contact:
    contact = check_reset_token(ctx, token)
    contact.password_hash = _new_hash(contact, password)
    audit.record(ctx, "password.reset", contact_id=contact.id)
    end_sessions(ctx, contact, "password.reset")
    return contact


def set_password(ctx: ActionContext, email: str, password: str) -> Contact:
    contact = contact_by_email(ctx, email)
    contact.password_hash = _new_hash(contact, password)
    audit.record(ctx, "password.set", organization_id=contact.organization_id,
                 contact_id=contact.id)  # fmt: skip
    end_sessions(ctx, contact, "password.set")
    return contact


def _new_hash(contact: Contact, password: str) -> str:
    try:
        return hash_password(password, email=contact.email, name=contact.name)
    except WeakPassword as exc:
        raise InvalidInput(str(exc)) from None
