"""The read side of onboarding: the current versions of the terms, what a partner has
accepted and has still to accept, and the invitations for the console."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from mailflow.models import Contact, Invitation, Organization, TermsAcceptance, TermsVersion
from mailflow.rules import onboarding


def current_versions(session: Session) -> dict[str, TermsVersion]:
    """The newest version of each kind published (none yet: the kind is missing)."""
    newest = (
        select(TermsVersion.kind, func.max(TermsVersion.version).label("v"))
        .group_by(col(TermsVersion.kind))
        .subquery()
    )
    rows = session.exec(
        select(TermsVersion).join(
            newest,
            (col(TermsVersion.kind) == newest.c.kind) & (col(TermsVersion.version) == newest.c.v),
        )
    ).all()
    return {row.kind: row for row in rows}


def accepted(session: Session, organization_id: int) -> list[tuple[str, int]]:
    rows = session.exec(
        select(TermsAcceptance.kind, TermsAcceptance.version).where(
            TermsAcceptance.organization_id == organization_id
        )
    ).all()
    return [(kind, version) for kind, version in rows]


def to_accept(session: Session, organization_id: int) -> list[TermsVersion]:
    """The current versions the partner has not accepted yet, terms before the agreement."""
    current = current_versions(session)
    missing = onboarding.still_to_accept(
        {k: v.version for k, v in current.items()}, accepted(session, organization_id)
    )
    return [current[k] for k in onboarding.KINDS if k in missing]


@dataclass(frozen=True)
class InvitationView:
    invitation: Invitation
    organization: Organization
    contact: Contact
    terms: list[TermsVersion]  # what the partner accepts with the page (current versions)


def load_invitation(session: Session, invitation_id: int, contact_id: int) -> InvitationView | None:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.contact_id != contact_id:
        return None
    org = session.get(Organization, invitation.organization_id)
    contact = session.get(Contact, contact_id)
    if org is None or contact is None:
        return None
    current = current_versions(session)
    terms = [current[k] for k in onboarding.KINDS if k in current]
    return InvitationView(invitation, org, contact, terms)


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    partner: str


def invitations(session: Session, limit: int = 200) -> list[InvitationRow]:
    """The newest invitations first, each with its partner's name."""
    rows = session.exec(
        select(Invitation, Organization.name)
        .join(Organization, col(Organization.id) == col(Invitation.organization_id))
        .order_by(col(Invitation.created_at).desc(), col(Invitation.id).desc())
        .limit(limit)
    ).all()
    return [InvitationRow(inv, name) for inv, name in rows]


def open_invitation(session: Session, organization_id: int, email: str) -> Invitation | None:
    return session.exec(
        select(Invitation).where(
            Invitation.organization_id == organization_id,
            Invitation.email == email,
            Invitation.state == onboarding.INVITED,
        )
    ).first()
