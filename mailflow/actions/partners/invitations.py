"""Onboarding by invitation: the staff invite a partner (console, CSV import, API); the
partner, by its own signed page, accepts the terms and the data-processing agreement,
keeps its profile and names its contacts, and is active at once; reminders after 3 and 10
days; an invitation nobody answers runs out.

A partner invited is created inactive, so the matcher never sees it (the pool holds
active partners only); its acceptance activates it through
:func:`~mailflow.actions.partners.deactivate.set_active`, and the pool's version token
moves with the row (database triggers): the next lead is matched with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select, update

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotAllowed, NotFound, WrongState
from mailflow.actions.outbound import outbox
from mailflow.actions.partners.colleagues import invite_colleague
from mailflow.actions.partners.deactivate import set_active
from mailflow.actions.partners.profile import edit_profile
from mailflow.actions.partners.save import save_contact, save_partner
from mailflow.actions.partners.terms import check_shown, record_acceptances
from mailflow.i18n import N_, normalize
from mailflow.mail import messages
from mailflow.models import Contact, Invitation, Organization
from mailflow.models.api_schemas import ContactIn, InvitationIn, PartnerIn
from mailflow.queries.matching_input import PARTNER_KINDS
from mailflow.queries.onboarding import current_versions, open_invitation
from mailflow.rules import onboarding
from mailflow.rules.onboarding import ACCEPTED, EXPIRED, INVITED

NOT_PUBLISHED = N_("Publish the terms and the data-processing agreement before inviting partners.")
RAN_OUT = N_("This invitation has run out. Please ask the manufacturer for a new one.")


def invite_partner(ctx: ActionContext, data: InvitationIn) -> Invitation:
    """Invite a new partner (created inactive) or one not active yet, by the address
    ``data.email``; an open invitation of the same partner and address is returned as it
    is (the partner got its email already)."""
    if set(current_versions(ctx.session)) != set(onboarding.KINDS):
        raise InvalidInput(NOT_PUBLISHED)
    org = _partner(ctx, data)
    assert org.id is not None
    if org.active:
        raise InvalidInput(N_("This partner is active already."))
    known = open_invitation(ctx.session, org.id, data.email)
    if known is not None:
        return known
    contact = _contact(ctx, org.id, data)
    assert contact.id is not None
    invitation = Invitation(organization_id=org.id, contact_id=contact.id, email=data.email,
                            language=data.language, invited_by=ctx.actor[:40],
                            created_at=ctx.now, expires_at=onboarding.expires_at(ctx.now),
                            remind_at=onboarding.next_reminder(ctx.now, 0))  # fmt: skip
    ctx.session.add(invitation)
    ctx.session.flush()
    audit.record(ctx, "partner.invited", organization_id=org.id, invitation_id=invitation.id,
                 contact_id=contact.id, to_state=INVITED)  # fmt: skip
    context = messages.partner_invite(ctx.rt, invitation, org.name)
    outbox.queue(ctx, "partner_invite", contact, context)
    return invitation


def _partner(ctx: ActionContext, data: InvitationIn) -> Organization:
    if data.organization_id is not None:
        org = ctx.session.get(Organization, data.organization_id)
        if org is None or org.kind not in PARTNER_KINDS:
            raise NotFound(f"no partner {data.organization_id}")
        return org
    if data.external_id:
        found = ctx.session.exec(
            select(Organization).where(Organization.external_id == data.external_id)
        ).first()
        if found is not None:
            if found.kind not in PARTNER_KINDS:
                raise NotAllowed(f"{data.external_id!r} is not a partner")
            return found
    if not data.partner_name:
        raise InvalidInput("partner_name is required for a new partner")
    fields = {"name": data.partner_name, "external_id": data.external_id,
              "country": data.country, "city": data.city, "kind": data.kind}  # fmt: skip
    given = PartnerIn.model_validate({k: v for k, v in fields.items() if v is not None})
    org, _ = save_partner(ctx, given.model_copy(update={"active": False}))
    return org


def _contact(ctx: ActionContext, organization_id: int, data: InvitationIn) -> Contact:
    known = ctx.session.exec(
        select(Contact).where(
            Contact.organization_id == organization_id, Contact.email == data.email
        )
    ).first()
    fields = ContactIn(name=data.name or (known.name if known else data.email),
                       email=data.email, language=data.language,
                       organization_id=organization_id, receives_offers=True)  # fmt: skip
    contact, _ = save_contact(ctx, fields, contact_id=known.id if known else None)
    return contact


def save_invited_partner(ctx: ActionContext, data: PartnerIn) -> tuple[Organization, bool]:
    """The CSV import's row of a partner to invite: saved as any row, a new one inactive
    (an existing one keeps its state: an active partner is not invited again)."""
    known = (
        data.external_id
        and ctx.session.exec(
            select(Organization.id).where(Organization.external_id == data.external_id)
        ).first()
    )
    given = data if known else data.model_copy(update={"active": False})
    return save_partner(ctx, given)


def invitation_of(org: Organization, contact: Contact) -> InvitationIn:
    """The invitation of ``contact`` to ``org`` (a partner and a contact saved before)."""
    fields = {"organization_id": org.id, "email": contact.email, "name": contact.name,
              "language": normalize(contact.language)}  # fmt: skip
    return InvitationIn.model_validate(fields)


@dataclass(frozen=True)
class Joining:
    """What the invited partner sends from its page."""

    shown: dict[str, int]  # the versions it read and accepts (kind → version)
    name: str  # the invited contact's own name
    profile: PartnerIn  # what matching reads of the partner (the profile's fields)
    colleagues: list[ContactIn] = field(default_factory=list)  # invited to join too


def accept_invitation(
    ctx: ActionContext, invitation_id: int, contact_id: int, joining: Joining
) -> Invitation:
    """1. claim the invitation (``invited`` → ``accepted``, one conditional UPDATE);
    2. record the acceptance of each version shown; 3. the contact's name; 4. activate
    the partner; 5. its profile; 6. invite the colleagues it named."""
    invitation = _claim(ctx, invitation_id, contact_id)
    org_id = invitation.organization_id
    record_acceptances(ctx, org_id, contact_id, check_shown(ctx, joining.shown))
    save_contact(ctx, ContactIn(name=joining.name, receives_offers=True), contact_id=contact_id)
    org = ctx.session.get(Organization, org_id)
    assert org is not None
    set_active(ctx, org, True)
    audit.record(ctx, "invitation.accepted", organization_id=org_id, invitation_id=invitation.id,
                 contact_id=contact_id, from_state=INVITED, to_state=ACCEPTED)  # fmt: skip
    edit_profile(ctx, contact_id, joining.profile)
    for colleague in joining.colleagues:
        invite_colleague(ctx, contact_id, colleague)
    return invitation


def _claim(ctx: ActionContext, invitation_id: int, contact_id: int) -> Invitation:
    claimed = ctx.session.exec(
        update(Invitation)
        .where(
            col(Invitation.id) == invitation_id,
            col(Invitation.contact_id) == contact_id,
            col(Invitation.state) == INVITED,
            col(Invitation.expires_at) > ctx.now,
        )
        .values(state=ACCEPTED, accepted_at=ctx.now, remind_at=None)
    )
    invitation = ctx.session.get(Invitation, invitation_id)
    if invitation is None or invitation.contact_id != contact_id:
        raise NotFound()
    ctx.session.refresh(invitation)
    if claimed.rowcount == 1:
        return invitation
    if invitation.state == ACCEPTED:
        raise WrongState(N_("You have joined already."))
    raise NotAllowed(RAN_OUT)


# -- the sweeps: reminders and expiry -------------------------------------------------------
def due_reminders(session: Session, now: datetime, limit: int) -> list[int]:
    return _due(session, col(Invitation.remind_at) <= now, limit)


def due_expiries(session: Session, now: datetime, limit: int) -> list[int]:
    return _due(session, col(Invitation.expires_at) <= now, limit)


def _due(session: Session, condition: ColumnElement[bool], limit: int) -> list[int]:
    rows = session.exec(
        select(Invitation.id)
        .where(Invitation.state == INVITED, condition)
        .order_by(col(Invitation.id))
        .limit(limit)
    ).all()
    return [r for r in rows if r is not None]


def remind_invitation(ctx: ActionContext, invitation_id: int) -> bool:
    """The next reminder of an open invitation; True when it was sent."""
    invitation = ctx.session.get(Invitation, invitation_id)
    if invitation is None or invitation.remind_at is None:
        return False
    sent = invitation.reminders
    claimed = ctx.session.exec(
        update(Invitation)
        .where(
            col(Invitation.id) == invitation_id,
            col(Invitation.state) == INVITED,
            col(Invitation.reminders) == sent,
            col(Invitation.remind_at) <= ctx.now,
            col(Invitation.expires_at) > ctx.now,
        )
        .values(
            reminders=sent + 1,
            reminded_at=ctx.now,
            remind_at=onboarding.next_reminder(invitation.created_at, sent + 1),
        )
    )
    if claimed.rowcount != 1:
        return False
    ctx.session.refresh(invitation)
    org = ctx.session.get(Organization, invitation.organization_id)
    contact = ctx.session.get(Contact, invitation.contact_id)
    assert org is not None and contact is not None
    audit.record(ctx, "invitation.reminded", organization_id=org.id,
                 invitation_id=invitation.id, reminder=sent + 1)  # fmt: skip
    outbox.queue(ctx, "invitation_reminder", contact,
                 messages.invitation_reminder(ctx.rt, invitation, org.name))  # fmt: skip
    return True


def expire_invitation(ctx: ActionContext, invitation_id: int) -> bool:
    """An invitation nobody accepted in time runs out; its partner stays inactive."""
    claimed = ctx.session.exec(
        update(Invitation)
        .where(
            col(Invitation.id) == invitation_id,
            col(Invitation.state) == INVITED,
            col(Invitation.expires_at) <= ctx.now,
        )
        .values(state=EXPIRED, remind_at=None)
    )
    invitation = ctx.session.get(Invitation, invitation_id)
    if claimed.rowcount != 1 or invitation is None:
        return False
    audit.record(ctx, "invitation.expired", organization_id=invitation.organization_id,
                 invitation_id=invitation.id, from_state=INVITED, to_state=EXPIRED)  # fmt: skip
    return True
