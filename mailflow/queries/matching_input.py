"""Queries that feed the pure matcher: the lead's place, its campaign's policy, the
customer's existing partners, the partner pool and the live load.

The pool (every active partner's static matching data with its :class:`PartnerStats` and
the away periods that pause its offers, as intervals the ranking holds against the clock) is
cached per process and database as a :class:`~mailflow.rules.matching.pool.PartnerPool` and checked
on every call against the version token that database triggers replace whenever a
partner, a contact's reachability or the stats change (:mod:`mailflow.db.poolversion`): one
primary-key read. What moves with every pick and close, the open leads per partner, is
read per call with a query over open leads only.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Select, exists, inspect, select, tuple_, union_all
from sqlmodel import Session

from mailflow.models import (
    Campaign,
    Contact,
    CustomerLink,
    Lead,
    Offer,
    Organization,
    PartnerStats,
    PostalCode,
)
from mailflow.models.states import LeadState
from mailflow.queries.away import pauses
from mailflow.rules import postal
from mailflow.rules.enrich import FREEMAIL, email_domain
from mailflow.rules.geo import locate_city
from mailflow.rules.lifecycle import OPEN_STAGES
from mailflow.rules.matching.criteria import (
    Candidate,
    LeadPlace,
    Performance,
    Policy,
    policy_weights,
)
from mailflow.rules.matching.pool import PartnerPool
from mailflow.rules.matching.ranking import Ranking, rank_pool

PARTNER_KINDS = ("dealer", "distributor")
# Core columns: these queries build SQL and read plain rows, not model instances
PARTNER = inspect(Organization).columns
STATS = inspect(PartnerStats).columns
LEAD = inspect(Lead).columns
CONTACT = inspect(Contact).columns
LINK = inspect(CustomerLink).columns
POSTAL = inspect(PostalCode).columns
OFFER = inspect(Offer).columns
CAMPAIGN = inspect(Campaign).columns
DEFAULT_SMALL_SHARE = 0.34
# database (URL) → (version token, pool built under it); one entry per database this
# process talks to. Entries are replaced whole, never changed, so threads can share them.
_POOLS: dict[str, tuple[str, PartnerPool]] = {}


def locate(
    session: Session, country: str | None, code: str | None, city: str | None
) -> tuple[float, float] | None:
    """Finest first: an operator-loaded postal code, a known city, the postal region."""
    return place_from(postal_points(session, [(country, code)]), country, code, city)


Point = tuple[float, float]


def postal_points(
    session: Session, pairs: Iterable[tuple[str | None, str | None]]
) -> dict[tuple[str, str], Point]:
    """The operator-loaded postal codes among ``pairs`` of (country, code), in one query
    (a batch of leads asks once)."""
    keys = {(c.upper(), postal.normalize(p)) for c, p in pairs if c and p}
    if not keys:
        return {}
    rows = session.execute(
        select(POSTAL.country, POSTAL.code, POSTAL.lat, POSTAL.lon).where(
            tuple_(POSTAL.country, POSTAL.code).in_(keys)
        )
    )
    return {(c, p): (float(lat), float(lon)) for c, p, lat, lon in rows}


def place_from(
    loaded: dict[tuple[str, str], Point], country: str | None, code: str | None, city: str | None
) -> Point | None:
    """:func:`locate` with the postal codes already looked up (:func:`postal_points`)."""
    if country and code:
        found = loaded.get((country.upper(), postal.normalize(code)))
        if found is not None:
            return found
    return locate_city(city, country) or postal.region_centroid(country, code)


def campaign_for(session: Session, lead: Lead) -> Campaign | None:
    """The lead's campaign, else a campaign named like its source (one query)."""
    names = [n for n in (lead.campaign, lead.source) if n]
    if not names:
        return None
    found = {c.name: c for c in session.scalars(select(Campaign).where(CAMPAIGN.name.in_(names)))}
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
        parts.append(select(LINK.organization_id).where(LINK.email_domain == domain))
        won = (
            (LEAD.customer_domain == domain) & (LEAD.state == LeadState.WON) & (LEAD.id != lead.id)
        )
        parts.append(select(LEAD.owner_id).where(won))
    if lead.customer_external_id:
        parts.append(
            select(LINK.organization_id).where(
                LINK.customer_external_id == lead.customer_external_id
            )
        )
    if not parts:
        return frozenset()
    return frozenset(o for o in session.scalars(union_all(*parts)) if o is not None)


def business_domain(email: str | None) -> str | None:
    domain = email_domain(email)
    return None if domain in FREEMAIL else domain


def rank_lead(
    session: Session,
    lead: Lead,
    *,
    now: datetime,
    limit: int,
    skip: Iterable[int] = (),
    place: LeadPlace | None = None,
    policy: Policy | None = None,
    only: int | None = None,
) -> Ranking:
    """Every active partner ranked for ``lead`` (or excluded with a reason): the call the
    offer action, the console and the API make."""
    policy = policy or policy_for(session, lead)
    token, load = _token_and_load(session)
    return rank_pool(
        partner_pool(session, token),
        place or lead_place(lead),
        now=now,
        policy=policy,
        open_leads=load,
        skip=skip,
        limit=limit,
        only=only,
    )


def explain_lead(session: Session, lead: Lead, now: datetime, ring_size: int) -> Ranking:
    """What the matcher would do for ``lead`` now, for the console and the API (reads only)."""
    already = set(session.scalars(select(OFFER.organization_id).where(OFFER.lead_id == lead.id)))
    return rank_lead(session, lead, now=now, limit=ring_size, skip=already)


def partner_pool(session: Session, token: str | None) -> PartnerPool:
    """The cached pool if it was built under ``token`` (read in this transaction before
    the partners are: a change committed in between only makes the next call rebuild),
    else a fresh one."""
    key = str(session.get_bind().engine.url)
    cached = _POOLS.get(key)
    if token is not None and cached is not None and cached[0] == token:
        return cached[1]
    paused = pauses(session)
    gc.disable()  # tens of thousands of small objects: no collection passes meanwhile
    try:
        pool = PartnerPool.of(_candidate(r, paused) for r in session.execute(_partners()))
    finally:
        gc.enable()
    if token is not None:  # no token row (a truncated table): never cache
        _POOLS[key] = (token, pool)
    return pool


def forget_pools() -> None:
    """Drop this process's cached pools (the bench times a cold build with it)."""
    _POOLS.clear()


# One round trip for both: the pool's version token, and the owner of every open lead
# (counted here, not by a GROUP BY: the index on (state, owner_id) covers the query).
TOKEN_AND_LOAD_SQL = (
    "SELECT token, NULL FROM matchpoolversion WHERE id = 1 UNION ALL "
    "SELECT NULL, owner_id FROM lead WHERE state IN ("
    + ", ".join(f"'{state}'" for state in OPEN_STAGES)
    + ") AND owner_id IS NOT NULL"
)


def _token_and_load(session: Session) -> tuple[str | None, tuple[np.ndarray, np.ndarray]]:
    """The version token, and the live load: open leads per partner that has any (partner
    ids, counts). Read with the driver's cursor in the session's transaction: this runs
    for every ranking and returns one row per open lead, so it skips the ORM's row work."""
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(TOKEN_AND_LOAD_SQL)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    token = next((r[0] for r in rows if r[0] is not None), None)
    owners = np.fromiter((r[1] for r in rows if r[0] is None), dtype=np.int64)
    ids, counts = np.unique(owners, return_counts=True)
    return token, (ids, counts)


def _partners() -> Select[*tuple[Any, ...]]:
    o, s = PARTNER, STATS
    reachable = (
        exists()
        .where(
            CONTACT.organization_id == o.id,
            CONTACT.receives_offers == True,  # noqa: E712
            CONTACT.undeliverable == False,  # noqa: E712
        )
        .label("has_contact")
    )
    columns = [
        o.id, o.name, o.country, o.lat, o.lon, reachable, o.level,
        o.certifications, o.expertise, o.product_lines, o.languages, o.territory, o.capacity,
        s.offers, s.picks, s.won, s.unreported, s.median_pick_hours, s.recent_offers,
    ]  # fmt: skip
    return (
        select(*columns)
        .select_from(inspect(Organization).local_table)
        .outerjoin(inspect(PartnerStats).local_table, s.organization_id == o.id)
        .where(o.kind.in_(PARTNER_KINDS), o.active == True)  # noqa: E712
        .order_by(o.id)
    )


def _candidate(r: Sequence[Any], paused: dict[int, list[tuple[datetime, datetime]]]) -> Candidate:
    perf = Performance(r[13] or 0, r[14] or 0, r[15] or 0, r[16] or 0, r[17], r[18] or 0)
    return Candidate(
        organization_id=r[0],
        name=r[1],
        country=r[2],
        lat=r[3],
        lon=r[4],
        has_contact=bool(r[5]),
        level=r[6] or "standard",
        certifications=tuple(r[7] or ()),
        expertise=tuple(r[8] or ()),
        product_lines=tuple(r[9] or ()),
        languages=tuple(r[10] or ()),
        territory=tuple(r[11] or ()),
        capacity=r[12],
        performance=perf,
        pauses=tuple(paused.get(r[0], ())),
    )
