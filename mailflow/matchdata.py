"""Queries that feed the pure matcher: the lead's place, its campaign's policy, the
candidates (with performance from :class:`PartnerStats` and live load, in one query,
pre-filtered by country and bounding box in SQL), and the customer's existing partners.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, exists, func, or_, select, union_all
from sqlmodel import Session

from mailflow import postal
from mailflow.enrich import FREEMAIL, email_domain
from mailflow.geo import locate_city
from mailflow.lifecycle import OPEN_STAGES
from mailflow.matching import (
    Candidate,
    LeadPlace,
    Performance,
    Policy,
    Ranking,
    explain,
    policy_weights,
)
from mailflow.models import (
    Campaign,
    Contact,
    CustomerLink,
    Lead,
    Organization,
    PartnerStats,
    PostalCode,
)

PARTNER_KINDS = ("dealer", "distributor")
# Core columns (typed loosely: these queries build SQL, not model instances)
ORG: Any = Organization.__table__.c  # type: ignore[attr-defined]
S: Any = PartnerStats.__table__.c  # type: ignore[attr-defined]
L: Any = Lead.__table__.c  # type: ignore[attr-defined]
C: Any = Contact.__table__.c  # type: ignore[attr-defined]
CL: Any = CustomerLink.__table__.c  # type: ignore[attr-defined]
PC: Any = PostalCode.__table__.c  # type: ignore[attr-defined]
CA: Any = Campaign.__table__  # type: ignore[attr-defined]
RADII_KM: tuple[float | None, ...] = (25.0, 50.0, 100.0, 200.0, 400.0, None)
ENOUGH = 25  # search near first; widen until this many partners are in the pool
DEFAULT_SMALL_SHARE = 0.34


@dataclass(frozen=True)
class Pool:
    candidates: list[Candidate]
    radius_km: float | None  # the search radius used; None: the whole country
    outside: int | None = None  # partners in the country beyond the radius (explain only)


def pool_size(already: int, ring_size: int) -> int:
    """How many partners to load: enough for this ring, the rings after it, and fairness."""
    return max(ENOUGH, already + 5 * ring_size)


def locate(
    session: Session, country: str | None, code: str | None, city: str | None
) -> tuple[float, float] | None:
    """Finest first: an operator-loaded postal code, a known city, the postal region."""
    if country and code:
        row = session.execute(
            select(PC.lat, PC.lon).where(
                PC.country == country.upper(), PC.code == postal.normalize(code)
            )
        ).first()
        if row is not None:
            return float(row[0]), float(row[1])
    return locate_city(city, country) or postal.region_centroid(country, code)


def campaign_for(session: Session, lead: Lead) -> Campaign | None:
    """The lead's campaign, else a campaign named like its source (one query)."""
    names = [n for n in (lead.campaign, lead.source) if n]
    if not names:
        return None
    found = {c.name: c for c in session.scalars(select(Campaign).where(CA.c.name.in_(names)))}
    return next((found[n] for n in names if n in found), None)


def lead_place(lead: Lead) -> LeadPlace:
    return LeadPlace(
        country=lead.country,
        lat=lead.lat,
        lon=lead.lon,
        postal_code=lead.postal_code,
        product_line=lead.product_line,
        requirement=lead.requirement,
    )


def policy_for(session: Session, lead: Lead) -> Policy:
    campaign = campaign_for(session, lead)
    customers = customers_of(session, lead)
    if campaign is None:
        return Policy(small_share=DEFAULT_SMALL_SHARE, customers_of=customers)
    share = campaign.small_share
    return Policy(
        weights=policy_weights(campaign.weights),
        required_certification=campaign.required_certification,
        max_distance_km=campaign.max_distance_km,
        small_share=DEFAULT_SMALL_SHARE if share is None else share,
        customers_of=customers,
    )


def customers_of(session: Session, lead: Lead) -> frozenset[int]:
    """Partners the customer already belongs to (one query): a CustomerLink by email
    domain or by the customer's external id, or a won lead of the same business domain."""
    domain = business_domain(lead.customer_email)
    parts = []
    if domain:
        parts.append(select(CL.organization_id).where(CL.email_domain == domain))
        won = (L.customer_domain == domain) & (L.state == "won") & (L.id != lead.id)
        parts.append(select(L.owner_id).where(won))
    if lead.customer_external_id:
        parts.append(
            select(CL.organization_id).where(CL.customer_external_id == lead.customer_external_id)
        )
    if not parts:
        return frozenset()
    return frozenset(o for o in session.scalars(union_all(*parts)) if o is not None)


def business_domain(email: str | None) -> str | None:
    domain = email_domain(email)
    return None if domain in FREEMAIL else domain


def _columns() -> list[Any]:
    o, s = ORG, S
    reachable = (
        exists()
        .where(
            C.organization_id == o.id,
            C.receives_offers == True,  # noqa: E712
            C.undeliverable == False,  # noqa: E712
        )
        .label("has_contact")
    )
    return [
        o.id, o.name, o.country, o.lat, o.lon, o.away_until, reachable, o.level,
        o.certifications, o.expertise, o.product_lines, o.languages, o.territory, o.capacity,
        s.offers, s.picks, s.won, s.unreported, s.median_pick_hours, s.recent_offers,
    ]  # fmt: skip


def _base(country: str | None) -> Any:
    o = ORG
    query = (
        select(*_columns(), func.coalesce(_load_subquery().c.n, 0))
        .select_from(Organization.__table__)  # type: ignore[attr-defined]
        .outerjoin(PartnerStats.__table__, S.organization_id == o.id)  # type: ignore[attr-defined]
        .outerjoin(_load_subquery(), _load_subquery().c.owner_id == o.id)
        .where(o.kind.in_(PARTNER_KINDS), o.active == True)  # noqa: E712
    )
    if country:  # own country, or a territory that names it
        query = query.where(
            or_(o.country == country, cast(o.territory, String).like(f'%"{country}%'))
        )
    return query


_LOAD: Any = None


def _load_subquery() -> Any:
    global _LOAD
    if _LOAD is None:
        _LOAD = (
            select(L.owner_id, func.count().label("n"))
            .where(L.state.in_(OPEN_STAGES))
            .group_by(L.owner_id)
            .subquery("load")
        )
    return _LOAD


def _in_box(query: Any, lat: float, lon: float, radius: float) -> Any:
    o = ORG
    dlat = radius / 111.0
    dlon = radius / (111.0 * max(0.1, math.cos(math.radians(lat))))
    box = o.lat.between(lat - dlat, lat + dlat) & o.lon.between(lon - dlon, lon + dlon)
    return query.where(or_(o.lat.is_(None), box))


def load_pool(
    session: Session, place: LeadPlace, *, enough: int = ENOUGH, explain: bool = False
) -> Pool:
    """Candidates near the lead: the smallest search radius that yields ``enough``
    partners, else the whole country. With ``explain`` also count who was left out."""
    base = _base(place.country)
    radii = RADII_KM if place.lat is not None and place.lon is not None else (None,)
    rows: Sequence[Any] = []
    used: float | None = None
    for radius in radii:
        used = radius
        query = base if radius is None else _in_box(base, place.lat, place.lon, radius)  # type: ignore[arg-type]
        rows = session.execute(query).all()
        if len(rows) >= enough:
            break
    outside = None
    if explain and used is not None:
        total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
        outside = int(total) - len(rows)
    return Pool([_candidate(r) for r in rows], used, outside)


def _candidate(r: Any) -> Candidate:
    perf = Performance(r[14] or 0, r[15] or 0, r[16] or 0, r[17] or 0, r[18], r[19] or 0)
    return Candidate(
        organization_id=r[0],
        name=r[1],
        country=r[2],
        lat=r[3],
        lon=r[4],
        away_until=r[5],
        has_contact=bool(r[6]),
        level=r[7] or "standard",
        certifications=tuple(r[8] or ()),
        expertise=tuple(r[9] or ()),
        product_lines=tuple(r[10] or ()),
        languages=tuple(r[11] or ()),
        territory=tuple(r[12] or ()),
        capacity=r[13],
        load=int(r[20] or 0),
        performance=perf,
    )


def explain_lead(session: Session, lead: Lead, now: Any, ring_size: int) -> tuple[Ranking, Pool]:
    """What the matcher would do for ``lead`` now, for the console (reads only)."""
    from mailflow.models import Offer

    of: Any = Offer.__table__.c  # type: ignore[attr-defined]
    already = set(session.scalars(select(of.organization_id).where(of.lead_id == lead.id)))
    place = lead_place(lead)
    pool = load_pool(session, place, enough=pool_size(len(already), ring_size), explain=True)
    ranking = explain(
        place, pool.candidates, now=now, skip=already, limit=ring_size,
        policy=policy_for(session, lead),
    )  # fmt: skip
    return ranking, pool
