"""A partner's contacts keep their own team on the profile page: invite a colleague (who
confirms by its own signed link), remove one, choose who gets the offers.

Contacts are saved by :func:`~mailflow.actions.partners.save.save_contact`, the one write
of a contact (the API and the CSV import use it too, and it refuses console users). An
invited colleague gets no offers until it confirms: only its own link proves the address
is its own. A removed contact stays as the record of what it did, gets nothing more (its
browsers' push subscriptions are deleted), and its links act no more
(:func:`~mailflow.actions._load.load_offer_scope`).
"""

from __future__ import annotations

from pydantic import ValidationError
from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotAllowed, NotFound
from mailflow.actions.outbound import outbox
from mailflow.actions.partners.profile import partner_contact
from mailflow.actions.partners.save import save_contact
from mailflow.i18n import N_
from mailflow.mail import messages
from mailflow.models import Contact, PushSubscription
from mailflow.models.api_schemas import ContactIn


def invite_colleague(ctx: ActionContext, contact_id: int, data: ContactIn) -> Contact:
    """``data``: the colleague's name, email and language. The colleague gets an email
    whose link confirms; until then it gets no offers."""
    inviter, org = partner_contact(ctx, contact_id)
    assert data.email is not None
    email = data.email.strip().lower()
    known = ctx.session.exec(
        select(Contact).where(Contact.organization_id == org.id, Contact.email == email)
    ).first()
    if known is not None and known.removed_at is None:
        raise InvalidInput(N_("This address belongs to one of your contacts already."))
    fields = data.model_copy(
        update={"email": email, "organization_id": org.id, "receives_offers": False}
    )
    colleague, _ = save_contact(ctx, fields, contact_id=known.id if known else None)
    colleague.invited_by_id, colleague.confirmed_at, colleague.removed_at = inviter.id, None, None
    audit.record(
        ctx,
        "contact.invited",
        organization_id=org.id,
        contact_id=colleague.id,
        invited_by=inviter.id,
    )
    context = messages.colleague_invite(ctx.rt, colleague, inviter.name, org.name)
    outbox.queue(ctx, "colleague_invite", colleague, context)
    return colleague


def confirm_invitation(ctx: ActionContext, contact_id: int) -> Contact:
    """The invited colleague confirms by its own link: it joins and gets the offers."""
    contact, org = partner_contact(ctx, contact_id, pending_ok=True)
    if not contact.pending:
        return contact  # confirmed already (a second click changes nothing)
    contact.confirmed_at = ctx.now
    save_contact(ctx, ContactIn(receives_offers=True), contact_id=contact_id)
    audit.record(ctx, "contact.confirmed", organization_id=org.id, contact_id=contact.id)
    return contact


def remove_colleague(ctx: ActionContext, contact_id: int, colleague_id: int) -> Contact:
    """``contact_id`` removes a colleague (never itself: the link it uses is its own)."""
    colleague = _colleague(ctx, contact_id, colleague_id)
    if colleague.id == contact_id:
        raise NotAllowed(N_("You cannot remove yourself; ask a colleague."))
    if colleague.removed_at is not None:
        return colleague
    save_contact(ctx, ContactIn(receives_offers=False), contact_id=colleague_id)
    colleague.removed_at = ctx.now
    audit.record(
        ctx, "contact.removed", organization_id=colleague.organization_id, contact_id=colleague.id
    )
    # its browsers hear of nothing more: where they are is personal data without a purpose now
    browsers = select(PushSubscription).where(PushSubscription.contact_id == colleague_id)
    for row in ctx.session.exec(browsers).all():
        ctx.session.delete(row)
        audit.record(
            ctx,
            "push.unsubscribed",
            organization_id=colleague.organization_id,
            contact_id=colleague_id,
            subscription_id=row.id,
            why="contact_removed",
        )
    return colleague


def choose_offers(ctx: ActionContext, contact_id: int, colleague_id: int, gets: bool) -> Contact:
    """Whether a confirmed colleague gets the partner's offers (its own choice too)."""
    colleague = _colleague(ctx, contact_id, colleague_id)
    if colleague.pending or colleague.removed_at is not None:
        raise NotAllowed(N_("Only a confirmed colleague can get offers."))
    saved, _ = save_contact(ctx, ContactIn(receives_offers=gets), contact_id=colleague_id)
    return saved


def _colleague(ctx: ActionContext, contact_id: int, colleague_id: int) -> Contact:
    _, org = partner_contact(ctx, contact_id)
    colleague = ctx.session.get(Contact, colleague_id)
    if colleague is None or colleague.organization_id != org.id:
        raise NotFound()
    return colleague


def choose_delivery(ctx: ActionContext, contact_id: int, delivery: str) -> Contact:
    """How the contact hears of offers of cold leads: at once, or in a daily digest."""
    partner_contact(ctx, contact_id)
    try:
        data = ContactIn.model_validate({"offer_delivery": delivery})
    except ValidationError:
        raise InvalidInput(N_("Choose how you want to hear of offers.")) from None
    saved, _ = save_contact(ctx, data, contact_id=contact_id)
    return saved
