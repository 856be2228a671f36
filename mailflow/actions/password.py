"""request_password_reset, reset_password: console password reset by email.

The link carries a signed, expiring token bound to a fingerprint of the current password
hash: once the password changes, every older link is spent (single use).
"""

from __future__ import annotations

from sqlmodel import select

from mailflow import audit, signed
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotAllowed
from mailflow.mail import outbox
from mailflow.models import Contact
from mailflow.passwords import hash_password
from mailflow.tokens import TokenExpired, TokenInvalid
from mailflow.visibility import CONSOLE_ROLES

RESET_MAX_AGE_S = 3600


def request_password_reset(ctx: ActionContext, email: str) -> bool:
    """Queue the reset email when the address belongs to a console user. The caller shows
    the same answer either way, so the form does not reveal who has a login."""
    contact = ctx.session.exec(
        select(Contact).where(Contact.email == email.strip().lower())
    ).first()
    if contact is None or contact.role not in CONSOLE_ROLES or contact.id is None:
        return False
    token = signed.dumps(
        ctx.settings.secret_keys,
        signed.PASSWORD_RESET,
        {"c": contact.id, "f": signed.fingerprint(contact.password_hash)},
    )
    url = f"{ctx.settings.base_url}/console/reset/{token}"
    outbox.queue(ctx, "password_reset", contact, {"links": {"reset": url, "portal": url}})
    audit.record(ctx, "password.reset_requested", contact_id=contact.id)
    return True


def check_reset_token(ctx: ActionContext, token: str) -> Contact:
    try:
        data = signed.loads(ctx.settings.secret_keys, signed.PASSWORD_RESET, token, RESET_MAX_AGE_S)
    except (TokenInvalid, TokenExpired):
        raise NotAllowed("this reset link is not valid (any more)") from None
    contact = ctx.session.get(Contact, data["c"])
    if (
        contact is None
        or contact.role not in CONSOLE_ROLES
        or data.get("f") != signed.fingerprint(contact.password_hash)
    ):
        raise NotAllowed("this reset link was used already")
    return contact


def reset_password(ctx: ActionContext, token: str, password: str) -> Contact:
    contact = check_reset_token(ctx, token)
    try:
        contact.password_hash = hash_password(password)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    audit.record(ctx, "password.reset", contact_id=contact.id)
    return contact
