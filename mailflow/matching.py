"""Matching: which partners get a lead, in which order, and why.

Pure: takes the lead and plain candidate records (their performance figures already
loaded by :mod:`mailflow.matchdata`) and returns a ranking that explains itself. Hard
filters (already offered, no reachable contact, away, territory, a required certification,
full capacity, too far) exclude a partner with a reason; every partner left gets a score
from weighted soft criteria, each 0..1, shown one by one on the console. The rules here
are per partner and explain one row; :mod:`mailflow.matchpool` applies the same rules to
every partner at once for the ranking itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailflow.ranking import Ranking

LEVELS = {"premium": 1.0, "gold": 0.75, "silver": 0.5, "standard": 0.25}
SMALL_LEVELS = frozenset({"silver", "standard"})
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "expertise": 3.0,
    "certification": 1.0,
    "level": 1.0,
    "conversion": 1.5,
    "speed": 1.0,
    "discipline": 1.5,
    "distance": 3.0,
    "language": 1.0,
    "load": 1.5,
    "balance": 1.0,
}
CRITERIA = tuple(DEFAULT_WEIGHTS)
COUNTRY_LANGUAGE = {"DE": "de", "AT": "de", "CH": "de", "LI": "de", "FR": "fr", "IT": "it"}


@dataclass(frozen=True)
class Performance:
    """The last 180 days (see :class:`mailflow.models.PartnerStats`)."""

    offers: int = 0
    picks: int = 0
    won: int = 0
    unreported: int = 0
    median_pick_hours: float | None = None
    recent_offers: int = 0


@dataclass(frozen=True)
class Candidate:
    organization_id: int
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    away_until: datetime | None = None
    has_contact: bool = True
    level: str = "standard"
    certifications: tuple[str, ...] = ()
    expertise: tuple[str, ...] = ()
    product_lines: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    territory: tuple[str, ...] = ()
    capacity: int | None = None
    load: int = 0
    performance: Performance = field(default_factory=Performance)


@dataclass(frozen=True)
class LeadPlace:
    country: str | None
    lat: float | None
    lon: float | None
    postal_code: str | None = None
    product_line: str | None = None
    requirement: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Policy:
    """Per campaign: weights, hard filters and the fairness share."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    required_certification: str | None = None
    max_distance_km: float | None = None
    small_share: float = 0.34
    customers_of: frozenset[int] = frozenset()  # channel conflict: the customer's partners


@dataclass(frozen=True)
class Match:
    organization_id: int
    distance_km: float | None
    why: str


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: float  # 0..100
    distance_km: float | None
    parts: dict[str, tuple[float, float, str]]  # criterion → (value 0..1, weight, note)
    existing_customer: bool = False

    @property
    def small(self) -> bool:
        return self.candidate.level in SMALL_LEVELS


def policy_weights(overrides: Mapping[str, float] | None) -> dict[str, float]:
    weights = dict(DEFAULT_WEIGHTS)
    for name, value in (overrides or {}).items():
        if name in weights and float(value) >= 0:
            weights[name] = float(value)
    return weights


def explain(
    lead: LeadPlace,
    candidates: Iterable[Candidate],
    *,
    now: datetime,
    skip: Iterable[int] = (),
    limit: int = 3,
    policy: Policy | None = None,
) -> Ranking:
    """Rank ``candidates`` for ``lead``: every one is either excluded by a hard filter or
    scored (see :mod:`mailflow.ranking`, which does it for all at once)."""
    from mailflow.matchpool import PartnerPool
    from mailflow.ranking import rank_pool

    pool = PartnerPool.of(candidates)
    return rank_pool(pool, lead, now=now, policy=policy, skip=skip, limit=limit)


def rank(
    lead: LeadPlace,
    candidates: Iterable[Candidate],
    *,
    now: datetime,
    skip: Iterable[int] = (),
    limit: int = 3,
    policy: Policy | None = None,
) -> list[Match]:
    """The next ring: up to ``limit`` eligible partners (see :func:`explain`)."""
    return explain(lead, candidates, now=now, skip=skip, limit=limit, policy=policy).ring


def _excluded(
    c: Candidate,
    lead: LeadPlace,
    now: datetime,
    skip: set[int],
    policy: Policy,
    distance: float | None,
) -> str | None:
    if c.organization_id in skip:
        return "already offered this lead"
    if not c.has_contact:
        return "no contact who receives offers"
    if c.away_until is not None and c.away_until > now:
        return f"away until {c.away_until:%Y-%m-%d}"
    if not in_territory(c, lead):
        return "lead is outside its territory"
    need = policy.required_certification
    if need and need.casefold() not in {x.casefold() for x in c.certifications}:
        return f"lacks required certification {need}"
    if c.capacity is not None and c.load >= c.capacity:
        return f"at capacity ({c.load} of {c.capacity} open leads)"
    limit = policy.max_distance_km
    if limit is not None and distance is not None and distance > limit:
        return f"{distance:.0f} km away, more than {limit:.0f} km"
    return None


def in_territory(c: Candidate, lead: LeadPlace) -> bool:
    """``territory`` entries are a country (``DE``) or a postal region (``DE-7``, ``AT-10``);
    without entries a partner covers its own country."""
    if lead.country is None:
        return True
    areas = c.territory or ((c.country,) if c.country else ())
    code = (lead.postal_code or "").replace(" ", "")
    for area in areas:
        country, _, prefix = (area or "").upper().partition("-")
        if country == lead.country.upper() and (not prefix or code.startswith(prefix)):
            return True
    return False


def _score(
    c: Candidate, lead: LeadPlace, policy: Policy, distance: float | None, most_recent: int
) -> Scored:
    values = {
        "expertise": _expertise(c, lead),
        "certification": (min(len(c.certifications), 3) / 3, f"{len(c.certifications)} certs"),
        "level": (LEVELS.get(c.level, 0.25), c.level),
        **_performance(c.performance),
        "distance": _near(distance),
        "language": _language(c, lead),
        "load": _load(c),
        "balance": _balance(c.performance.recent_offers, most_recent),
    }
    weights = policy.weights
    total = sum(weights.get(k, 0.0) for k in values) or 1.0
    score = 100 * sum(v * weights.get(k, 0.0) for k, (v, _) in values.items()) / total
    parts = {k: (round(v, 3), weights.get(k, 0.0), note) for k, (v, note) in values.items()}
    return Scored(c, round(score, 2), distance, parts, c.organization_id in policy.customers_of)


def _expertise(c: Candidate, lead: LeadPlace) -> tuple[float, str]:
    wanted = (lead.product_line or "").casefold()
    text = f"{wanted} {(lead.requirement or '').casefold()}"
    if not text.strip():
        return 0.5, "lead names no product line"
    lines = [p for p in c.product_lines if p and p.casefold() in wanted]
    if lines:
        return 1.0, f"sells {lines[0]}"
    skills = [e for e in c.expertise if e and e.casefold() in text]
    if skills:
        return 0.7, f"expert in {skills[0]}"
    return 0.0, "no matching product line or expertise"


def _performance(p: Performance) -> dict[str, tuple[float, str]]:
    if p.picks == 0:
        conversion = (0.5, "no picks yet")
    else:  # smoothed so that one lucky lead does not make a champion
        rate = (p.won + 1) / (p.picks + 2)
        conversion = (rate, f"{p.won} won of {p.picks} picked")
    if p.median_pick_hours is None:
        speed = (0.5, "no pick times yet")
    else:
        hours = p.median_pick_hours
        speed = (1 / (1 + hours / 12), f"picks in {hours:.1f} h (median)")
    if p.picks == 0:
        discipline = (0.5, "nothing to report yet")
    else:
        reported = p.picks - p.unreported
        discipline = (reported / p.picks, f"{p.unreported} picked, never reported")
    return {"conversion": conversion, "speed": speed, "discipline": discipline}


def _near(distance: float | None) -> tuple[float, str]:
    if distance is None:
        return 0.3, "distance unknown"
    return max(0.0, 1 - distance / 300), f"{distance:.0f} km"


def _language(c: Candidate, lead: LeadPlace) -> tuple[float, str]:
    language = lead.language or COUNTRY_LANGUAGE.get((lead.country or "").upper(), "en")
    if not c.languages:
        return 0.5, "languages unknown"
    if language in c.languages:
        return 1.0, f"speaks {language}"
    return 0.0, f"does not speak {language}"


def _load(c: Candidate) -> tuple[float, str]:
    if c.capacity:
        return max(0.0, 1 - c.load / c.capacity), f"{c.load} of {c.capacity} open leads"
    return 1 / (1 + c.load / 5), f"{c.load} open leads"


def _balance(recent: int, most: int) -> tuple[float, str]:
    if most == 0:
        return 1.0, "no recent offers"
    return 1 - recent / (most + 1), f"{recent} offers in 30 days"


def _ring(ranked: list[Scored], limit: int, small_share: float) -> list[Match]:
    """Existing-customer partners get the lead first, alone. Otherwise the best ``limit``,
    with ``small_share`` of the places kept for the best smaller partners (silver/standard)."""
    owners = [s for s in ranked if s.existing_customer]
    if owners:
        return [_match(s, "already the customer's partner") for s in owners[:limit]]
    reserved = min(limit, int(limit * small_share + 0.5)) if limit else 0
    small = [s for s in ranked if s.small][:reserved]
    chosen = {s.candidate.organization_id for s in small}
    rest = [s for s in ranked if s.candidate.organization_id not in chosen]
    picked = small + rest[: max(0, limit - len(small))]
    picked.sort(key=lambda s: (-s.score, s.candidate.organization_id))
    return [
        _match(
            s, "fair share for smaller partners" if s in small and s not in ranked[:limit] else ""
        )
        for s in picked
    ]


def _match(s: Scored, extra: str) -> Match:
    """One line for the audit trail: the score, the distance, the strongest criterion."""
    where = f"{s.distance_km:.0f} km away" if s.distance_km is not None else "distance unknown"
    rest = {k: v for k, v in s.parts.items() if k != "distance"}
    best = max(rest.items(), key=lambda kv: kv[1][0] * kv[1][1])[1][2]
    why = f"score {s.score:.0f}: {where}, {best}"
    return Match(s.candidate.organization_id, s.distance_km, f"{why}; {extra}" if extra else why)
