"""A customer's email forwarded to ``deals@`` (or ``deals+<key>@``): who forwarded it, and
the draft registration it becomes; or one polite refusal a day to a sender we do not know.

The partner is the contact the signed key of ``deals+<key>@`` names, else the contact
whose address the message comes from, vouched for like a reply's sender (a strict From,
a Sender of the same partner, DMARC/DKIM/SPF when a checking MTA is in front)."""

from __future__ import annotations

from sqlmodel import col, func, select

from mailflow.actions.context import ActionContext
from mailflow.actions.deals.refuse import refuse_sender
from mailflow.actions.deals.register import PARTNER_KINDS, draft
from mailflow.i18n import N_
from mailflow.inbound.outcome import Outcome
from mailflow.inbound.parse import Parsed
from mailflow.inbound.parse.forwarded import Forwarded
from mailflow.inbound.parse.sender import Evidence
from mailflow.inbound.verify import NOT_VERIFIED
from mailflow.links.signer import TokenExpired, TokenInvalid
from mailflow.models import Contact, Organization
from mailflow.models.schemas import DealIn, is_email
from mailflow.models.states import InboundState
from mailflow.rules.note import Note


def for_us(ctx: ActionContext, parsed: Parsed) -> bool:
    """Sent to deals@ of our inbound domain (not to a deals@ somewhere else in copy)."""
    return parsed.deals_to is not None and parsed.deals_to[1] == ctx.settings.inbound_domain.lower()


def register_forwarded(
    ctx: ActionContext, parsed: Parsed, evidence: Evidence, inbound_id: int
) -> Outcome:
    if parsed.kind == "auto_reply":
        return Outcome(InboundState.AUTO_REPLY, N_("auto-reply to the deals address ignored"))
    contact, problem = _partner_contact(ctx, parsed, evidence)
    if contact is None:
        told = refuse_sender(ctx, evidence.sender.address or parsed.from_addr, problem)
        return Outcome.said(InboundState.REFUSED, N_("deal registration refused: %(problem)s"),
                            {"problem": problem}, {"told": told})  # fmt: skip
    ctx.actor = f"contact:{contact.id}"
    deal = draft(ctx, contact, deal_in(parsed.forwarded or Forwarded(False), parsed.subject),
                 inbound_id)  # fmt: skip
    return Outcome.said(InboundState.APPLIED, N_("deal registration #%(deal)s drafted"),
                        {"deal": deal.id}, {"deal_id": deal.id}, contact_id=contact.id)  # fmt: skip


def deal_in(forwarded: Forwarded, subject: str) -> DealIn:
    """What the forwarded message says, as a registration's fields (each one cut to what
    the field holds: the partner corrects them before anything is submitted)."""
    found = forwarded.customer
    requirement = found.requirement or _subject(forwarded.subject or subject)
    return DealIn(
        customer_name=(found.name or "")[:200] or None,
        customer_company=(found.company or "")[:200] or None,
        customer_email=found.email if found.email and is_email(found.email) else None,
        customer_phone=(found.phone or "")[:50] or None,
        requirement=(requirement or "")[:10_000] or None,
        value=found.value,
        currency=found.currency or "EUR",
        note=forwarded.note[:1000] or None,
    )


def _subject(subject: str) -> str:
    """A subject without its ``Fwd:``/``WG:``/``TR:``/``RV:``/``I:``/``Doorst:`` prefixes."""
    words = subject.split()
    prefixes = {"fwd:", "fw:", "wg:", "tr:", "rv:", "i:", "doorst:", "pd:", "re:", "aw:"}
    while words and words[0].lower() in prefixes:
        words = words[1:]
    return " ".join(words)


def _partner_contact(
    ctx: ActionContext, parsed: Parsed, evidence: Evidence
) -> tuple[Contact | None, str]:
    assert parsed.deals_to is not None
    key = parsed.deals_to[0]
    if key:
        try:
            contact = ctx.session.get(Contact, ctx.rt.signer.read_deal_key(key))
        except (TokenInvalid, TokenExpired):
            return None, Note(N_("forged or damaged deals address"))
        if not _partner(ctx, contact):
            return None, Note(N_("unknown deals address"))
        return contact, ""
    address = evidence.sender.address
    if address is None:
        return None, Note(NOT_VERIFIED, problem=evidence.sender.problem)
    contact = _by_address(ctx, address)
    if contact is None:
        return None, Note(N_("sender %(address)s is not a contact of a partner"), address=address)
    behalf = evidence.on_behalf
    if behalf is not None and behalf.address != address:
        other = _by_address(ctx, behalf.address) if behalf.address else None
        if other is None or other.organization_id != contact.organization_id:
            return None, Note(N_("the Sender header is not a contact of the same partner"))
    if not evidence.auth.passed:
        return None, Note(NOT_VERIFIED, problem=evidence.auth.reason)
    return contact, ""


def _by_address(ctx: ActionContext, address: str) -> Contact | None:
    found = ctx.session.exec(
        select(Contact)
        .join(Organization, col(Organization.id) == Contact.organization_id)
        .where(func.lower(Contact.email) == address.lower())
        .where(col(Organization.kind).in_(PARTNER_KINDS), Organization.active == True)  # noqa: E712
        .order_by(col(Contact.id))
    ).all()
    return found[0] if len(found) == 1 else None  # one address at two partners: not sure


def _partner(ctx: ActionContext, contact: Contact | None) -> bool:
    if contact is None:
        return False
    org = ctx.session.get(Organization, contact.organization_id)
    return org is not None and org.active and org.kind in PARTNER_KINDS
