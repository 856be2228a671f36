"""What a partner's profile page shows: the company's matching data and its people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from mailflow import i18n
from mailflow.models import (
    AwayPeriod,
    Contact,
    Organization,
    OrgAssignment,
    PushSubscription,
    Territory,
    TerritoryRequest,
)
from mailflow.queries.away import coming_periods
from mailflow.queries.matching_input import PARTNER_KINDS
from mailflow.rules.territory import Area


@dataclass(frozen=True)
class ProfileView:
    organization: Organization
    contact: Contact  # who opened the link
    colleagues: list[Contact]  # every contact of the partner, the reader among them
    lang: str
    periods: list[AwayPeriod]  # away periods not over yet, soonest first
    request: TerritoryRequest | None  # wider regions waiting for a partner manager
    browsers: dict[int, int]  # contact id → browsers its notifications go to (push)


def load_profile(session: Session, contact_id: int, now: datetime) -> ProfileView | None:
    """The profile a contact's link opens; None when the contact or its partner is gone,
    or the contact is not a partner's (the manufacturer's staff have the console)."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.removed_at is not None:
        return None
    org = session.get(Organization, contact.organization_id)
    if org is None or org.kind not in PARTNER_KINDS:
        return None
    colleagues = session.exec(
        select(Contact)
        .where(Contact.organization_id == org.id, col(Contact.removed_at).is_(None))
        .order_by(col(Contact.id))
    ).all()
    assert org.id is not None
    lang = i18n.normalize(contact.language)
    request = session.exec(
        select(TerritoryRequest).where(
            TerritoryRequest.organization_id == org.id, TerritoryRequest.state == "pending"
        )
    ).first()
    periods = coming_periods(session, org.id, now)
    browsers = dict(
        session.exec(
            select(PushSubscription.contact_id, func.count())
            .where(col(PushSubscription.contact_id).in_([c.id for c in colleagues]))
            .group_by(col(PushSubscription.contact_id))
        ).all()
    )
    return ProfileView(org, contact, list(colleagues), lang, periods, request, browsers)


def allowed_areas(session: Session, organization_id: int) -> list[Area]:
    """The areas the manufacturer gives the partner: its territory (a partner manager's),
    when it has one."""
    rows = session.exec(
        select(Territory)
        .join(OrgAssignment, col(OrgAssignment.territory_id) == col(Territory.id))
        .where(OrgAssignment.organization_id == organization_id)
    ).all()
    return [Area(t.country, t.postal_from, t.postal_to) for t in rows]
