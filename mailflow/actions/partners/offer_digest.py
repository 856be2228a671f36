"""Offers of cold leads in a contact's morning or afternoon digest.

The offer action holds an offer for a contact who chose a digest (:func:`hold`) instead of
emailing it; the digest sweep sends each contact one email with its held offers that are
still open (:func:`send_digests`), claiming the rows in the same transaction, so a sweep
run twice sends each offer once.
"""

from __future__ import annotations

from sqlmodel import col, select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.outbound import outbox
from mailflow.mail import messages
from mailflow.models import Contact, DigestItem, Lead, Offer, OfferState
from mailflow.rules.offer_digest import next_slot

BATCH = 500  # contacts' items per sweep; the next sweep takes the rest


def hold(ctx: ActionContext, contact: Contact, offer: Offer) -> DigestItem:
    assert contact.id is not None and offer.id is not None
    item = DigestItem(
        contact_id=contact.id,
        offer_id=offer.id,
        due_at=next_slot(ctx.now, contact.timezone, contact.offer_delivery),
        created_at=ctx.now,
    )
    ctx.session.add(item)
    return item


def send_digests(ctx: ActionContext) -> int:
    """One email per contact with its due offers still open; returns how many emails."""
    due = ctx.session.exec(
        select(DigestItem)
        .where(col(DigestItem.sent_at).is_(None), col(DigestItem.due_at) <= ctx.now)
        .order_by(col(DigestItem.contact_id), col(DigestItem.id))
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    by_contact: dict[int, list[DigestItem]] = {}
    for item in due:
        item.sent_at = ctx.now
        by_contact.setdefault(item.contact_id, []).append(item)
    sent = 0
    for contact_id, items in by_contact.items():
        sent += _send(ctx, contact_id, [i.offer_id for i in items])
    return sent


def _send(ctx: ActionContext, contact_id: int, offer_ids: list[int]) -> int:
    contact = ctx.session.get(Contact, contact_id)
    rows = ctx.session.exec(
        select(Offer, Lead)
        .join(Lead, col(Lead.id) == col(Offer.lead_id))
        .where(col(Offer.id).in_(offer_ids), Offer.state == OfferState.OPEN)
        .order_by(col(Offer.expires_at))
    ).all()
    if contact is None or contact.removed_at is not None or not rows:
        return 0  # taken, expired or withdrawn meanwhile: nothing to tell
    context = messages.offer_digest(ctx.rt, contact, list(rows))
    outbox.queue(ctx, "offer_digest", contact, context)
    audit.record(
        ctx,
        "offer.digest",
        organization_id=contact.organization_id,
        contact_id=contact.id,
        offers=[o.id for o, _ in rows],
    )
    return 1
