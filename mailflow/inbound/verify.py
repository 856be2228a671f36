"""Whether a reply's sender may act for the partner the reply key names."""

from __future__ import annotations

from typing import Any

from sqlmodel import func, select

from mailflow.actions.context import ActionContext
from mailflow.i18n import N_
from mailflow.inbound.parse.sender import Evidence
from mailflow.models import Contact

NOT_VERIFIED = N_("sender not verified: %(problem)s")
NOT_A_CONTACT = N_("sender %(address)s is not a contact of the partner")


def verified_sender(
    ctx: ActionContext, evidence: Evidence, contact: Contact
) -> tuple[Contact | None, str, dict[str, Any]]:
    """The sender must be the contact, or another contact of the same partner: its one
    From mailbox, read strictly; a Sender header, when there is one, must be such a
    contact too; and behind a checking MTA, DMARC/DKIM/SPF must vouch for its domain.
    Returns the contact, or None and why not: a catalog message and its values (the
    technical detail of a check stays as the check wrote it)."""
    sender = evidence.sender
    if sender.address is None:
        return None, NOT_VERIFIED, {"problem": sender.problem}
    actor = _partner_contact(ctx, contact, sender.address)
    if actor is None:
        return None, NOT_A_CONTACT, {"address": sender.address}
    behalf = evidence.on_behalf
    if behalf is not None and behalf.address != sender.address:
        if behalf.address is None:
            return None, NOT_VERIFIED, {"problem": behalf.problem}
        if _partner_contact(ctx, contact, behalf.address) is None:
            return None, NOT_A_CONTACT, {"address": behalf.address}
    if not evidence.auth.passed:
        return None, NOT_VERIFIED, {"problem": evidence.auth.reason}
    return actor, "", {}


def _partner_contact(ctx: ActionContext, contact: Contact, address: str) -> Contact | None:
    if address == contact.email.lower():
        return contact
    return ctx.session.exec(
        select(Contact).where(
            Contact.organization_id == contact.organization_id,
            func.lower(Contact.email) == address,
        )
    ).first()
