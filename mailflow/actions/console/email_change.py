"""request_email_change, check_email_change, confirm_email_change: a console user's new
email address takes effect only once the OLD address confirms it.

A console user's address is where its password reset goes, so whoever changes it owns
the account. The request (the user in the console with its current password, or an
operator with ``mailflow user email``) changes nothing but queues an email to the old
address; its link is signed, expires after a day and is bound to a fingerprint of the
current address, so it is spent as soon as the address changes (single use, and every
other pending link of the account is spent with it). Confirming changes the address,
ends every console session of the contact and tells the new address.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address

from sqlalchemy import func
from sqlmodel import col, select

from mailflow.actions import audit
from mailflow.actions._load import contact_by_email, is_console_user
from mailflow.actions.console.sessions import end_sessions
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError, InvalidInput, NotAllowed, NotFound
from mailflow.actions.outbound import outbox
from mailflow.links.claims import EmailChangeClaim, fingerprint
from mailflow.links.signer import (
    EMAIL_CHANGE_MAX_AGE_S as EMAIL_CHANGE_MAX_AGE_S,  # the console, the CLI
)
from mailflow.links.signer import TokenExpired, TokenInvalid
from mailflow.mail import messages
from mailflow.models import Contact
from mailflow.models.schemas import _EMAIL

MAX_ADDRESS = 254  # RFC 5321's limit for a path, and the column's width


class LinkSpent(ActionError):
    """A genuine link that can no longer be used: it expired, or the address changed."""

    code = "link_spent"
    http_status = 410


@dataclass(frozen=True)
class EmailChange:
    contact: Contact
    old: str
    new: str


def request_email_change(ctx: ActionContext, who: int | str, new_email: str) -> EmailChange:
    """Queue the confirmation email to the contact's current address (``who`` is its id
    or that address). Nothing else changes until the link is used."""
    contact = _console_user(ctx, who)
    new = _free_address(ctx, contact, new_email)
    outbox.queue(ctx, "email_change", contact, messages.email_change(ctx.rt, contact, new))
    audit.record(ctx, "contact.email_change_requested", organization_id=contact.organization_id,
                 contact_id=contact.id, new=new)  # fmt: skip
    return EmailChange(contact, contact.email, new)


def check_new_address(ctx: ActionContext, who: int | str, new_email: str) -> str:
    """The address :func:`request_email_change` would accept, lower-cased; refused like
    there. Lets a caller refuse a bad request before it spends a budget of emails."""
    return _free_address(ctx, _console_user(ctx, who), new_email)


def check_email_change(ctx: ActionContext, token: str, *, lock: bool = False) -> EmailChange:
    """The change a link asks for; refused when forged (404), expired or spent (410)."""
    try:
        claim = ctx.rt.signer.read(EmailChangeClaim, token)
    except TokenExpired:
        raise LinkSpent("this link expired: it works for one day") from None
    except TokenInvalid:
        raise NotFound("this link is not valid") from None
    new = claim.new_email
    contact = ctx.session.get(Contact, claim.contact_id, with_for_update=lock)
    if contact is None or new is None or _address_or_none(new) != new:
        raise NotFound("this link is not valid")
    if claim.fingerprint != fingerprint(contact.email):
        raise LinkSpent("this link was used already, or the address changed since it was sent")
    return EmailChange(contact, contact.email, new)


def confirm_email_change(ctx: ActionContext, token: str) -> EmailChange:
    """Apply the change a link asks for: the new address, every console session ended,
    a notice to the new address."""
    change = check_email_change(ctx, token, lock=True)  # two clicks at once: one applies
    contact = change.contact
    _check_console_user(ctx, contact)
    _check_unused(ctx, contact, change.new)
    contact.email = change.new
    audit.record(ctx, "contact.email_changed", organization_id=contact.organization_id,
                 contact_id=contact.id, old=change.old, new=change.new)  # fmt: skip
    end_sessions(ctx, contact, "email changed")
    context = messages.email_changed(ctx.rt, change.old, change.new)
    outbox.queue(ctx, "email_changed", contact, context)
    return change


def _console_user(ctx: ActionContext, who: int | str) -> Contact:
    if isinstance(who, str):
        contact = contact_by_email(ctx, who)
    else:
        found = ctx.session.get(Contact, who)
        if found is None:
            raise NotFound(f"no contact {who}")
        contact = found
    _check_console_user(ctx, contact)
    return contact


def _check_console_user(ctx: ActionContext, contact: Contact) -> None:
    """The same people the API may not touch (:func:`is_console_user`). A partner's other
    contacts change through the API or the CSV."""
    if not is_console_user(ctx, contact):
        raise NotAllowed(
            f"{contact.email} is not a console user; a partner's contacts change through "
            "the API or the partner CSV import"
        )


def _free_address(ctx: ActionContext, contact: Contact, text: str) -> str:
    new = _address_or_none(text.strip().lower())
    if new is None:
        raise InvalidInput(f"{text.strip()[:100]!r} is not a valid email address", field="email")
    if new == contact.email.lower():
        raise InvalidInput(f"{new} is already the address of this account", field="email")
    _check_unused(ctx, contact, new)
    return new


def _check_unused(ctx: ActionContext, contact: Contact, new: str) -> None:
    taken = ctx.session.exec(
        select(Contact.id).where(func.lower(Contact.email) == new, col(Contact.id) != contact.id)
    ).first()
    if taken is not None:
        raise InvalidInput(f"{new} is already used by another contact", field="email")


def _address_or_none(text: str) -> str | None:
    """``text`` when it is one plain address (``user@domain.tld``: no display name, no
    comment, no quoting, no second address, no line break), else None."""
    if not text or len(text) > MAX_ADDRESS or not text.isprintable() or not _EMAIL.match(text):
        return None
    try:
        parsed = Address(addr_spec=text)
    except (ValueError, IndexError, HeaderParseError):
        return None
    return text if parsed.addr_spec == text and parsed.username and parsed.domain else None
