"""What a partner manager sees about an escalated lead: the partners who can take it
now (the same filters the offer to one chosen partner applies) and who declined it, why."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session, col, select

from mailflow.models import Lead, Offer, OfferState, Organization
from mailflow.queries.matching_input import lead_place, rank_lead

SHOWN = 50  # the best this many; a manager chooses among the nearest, not thousands


@dataclass(frozen=True)
class Declined:
    organization_id: int
    name: str
    reason: str | None  # a code of the decline dialog or the partner's own words


@dataclass(frozen=True)
class Choice:
    """A partner the manager may offer the lead to; ``declined`` when it passed on it."""

    organization_id: int
    name: str
    city: str | None
    country: str | None
    score: float
    declined: Declined | None


def declines(session: Session, lead_id: int) -> list[Declined]:
    """Every partner that declined the lead, with its reason, in the order they did."""
    rows = session.exec(
        select(Offer, Organization)
        .join(Organization, col(Organization.id) == Offer.organization_id)
        .where(Offer.lead_id == lead_id, Offer.state == OfferState.DECLINED)
        .order_by(col(Offer.responded_at), col(Offer.id))
    ).all()
    found: dict[int, Declined] = {}
    for offer, org in rows:
        assert org.id is not None
        found[org.id] = Declined(org.id, org.name, offer.reason)
    return list(found.values())


def choices(session: Session, lead: Lead, now: datetime) -> list[Choice]:
    """The partners an offer to one chosen partner would reach (any country, active,
    with a contact who receives offers, not away, not at capacity), best match first;
    those who declined it last."""
    assert lead.id is not None
    place = replace(lead_place(lead), country=None)
    ranking = rank_lead(session, lead, now=now, limit=0, place=place)
    scored = ranking.top(SHOWN)
    ids = [s.candidate.organization_id for s in scored]
    orgs = {
        o.id: o
        for o in session.exec(select(Organization).where(col(Organization.id).in_(ids))).all()
    }
    declined = {d.organization_id: d for d in declines(session, lead.id)}
    out = []
    for s in scored:
        org = orgs.get(s.candidate.organization_id)
        if org is None or org.id is None:
            continue
        out.append(Choice(org.id, org.name, org.city, org.country, s.score, declined.get(org.id)))
    return sorted(out, key=lambda c: c.declined is not None)
