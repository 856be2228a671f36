"""What every message of a batch needs, read in a few queries for the whole batch instead
of a few per message: the first stored copy of each message, which Message-IDs are our
own emails', and the offers, leads, partners and contacts the replies route to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from mailflow.inbound.parse import Parsed
from mailflow.links.signer import TokenExpired, TokenInvalid
from mailflow.models import Contact, InboundEmail, Lead, Offer, Organization, OutboundEmail

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

_KEYS = select(InboundEmail.id, InboundEmail.message_id, InboundEmail.sha256).where(
    col(InboundEmail.id).in_(bindparam("b_ids", expanding=True))
)
_FIRST_COPIES = {
    name: select(column, func.min(InboundEmail.id))
    .where(column.in_(bindparam("b_keys", expanding=True)))
    .group_by(column)
    for name, column in (
        ("message_id", col(InboundEmail.message_id)),
        ("sha256", col(InboundEmail.sha256)),
    )
}
_OURS = select(OutboundEmail.message_id).where(
    col(OutboundEmail.message_id).in_(bindparam("b_ids", expanding=True))
)
_ROUTES = (
    select(Offer, Lead, Organization)
    .join(Lead, col(Lead.id) == Offer.lead_id)
    .join(Organization, col(Organization.id) == Offer.organization_id)
    .where(col(Offer.id).in_(bindparam("b_ids", expanding=True)))
)
_CONTACTS = select(Contact).where(col(Contact.id).in_(bindparam("b_ids", expanding=True)))


@dataclass
class Known:
    first_copy: dict[str, int]  # Message-ID (or raw hash) → the first stored copy's id
    keys: dict[int, str]  # claimed id → its dedupe key
    ours: set[str]  # Message-IDs among the batch that are our own emails'
    loaded: list[Any]  # rows the session's identity map must keep (it only holds weak refs)


def prefetch(session: Session, rt: Runtime, batch: dict[int, Parsed]) -> Known:
    """For the claimed messages (id → what they say)."""
    conn = session.connection()
    rows = conn.execute(_KEYS, {"b_ids": list(batch)}).all()
    keys = {row_id: message_id or sha256 for row_id, message_id, sha256 in rows}
    first_copy: dict[str, int] = {}
    for name, values in (
        ("message_id", {m for _, m, _ in rows if m}),
        ("sha256", {h for _, m, h in rows if not m}),
    ):
        if values:
            found: list[Any] = list(conn.execute(_FIRST_COPIES[name], {"b_keys": list(values)}))
            first_copy.update((key, first) for key, first in found)
    message_ids = [p.message_id for p in batch.values() if p.message_id]
    ours: set[str] = set()
    if message_ids:
        ours = set(conn.execute(_OURS, {"b_ids": message_ids}).scalars())
    return Known(first_copy, keys, ours, _load_routes(session, rt, batch.values()))


def _load_routes(session: Session, rt: Runtime, parsed: Iterable[Parsed]) -> list[Any]:
    """Load the rows named by reply keys into the session, so the pipeline's and the
    actions' own lookups find them without a query each."""
    offer_ids, contact_ids = set(), set()
    for item in parsed:
        if not item.reply_key:
            continue
        try:
            offer_id, contact_id = rt.read_reply_key(item.reply_key)
        except (TokenExpired, TokenInvalid):
            continue
        offer_ids.add(offer_id)
        contact_ids.add(contact_id)
    if not offer_ids:
        return []
    rows = session.execute(_ROUTES, {"b_ids": list(offer_ids)}).all()
    contacts = session.execute(_CONTACTS, {"b_ids": list(contact_ids)}).scalars().all()
    return [*rows, *contacts]
