"""The partner pool as columns: every partner's matching data in numpy arrays, so that a
lead is filtered and scored against all partners at once.

Pure (no database). :mod:`mailflow.matchdata` builds one :class:`PartnerPool` per process
and database from the partners' static data and rebuilds it when the pool's version token
changes; what changes all the time (open leads per partner, the offers already made for the
lead, the customer's partners, the clock) comes with each call. The vectorised filters and
scores mirror the per-partner rules of :mod:`mailflow.matching` one for one (a unit test
compares them); the rows a person reads are explained by those per-partner rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from mailflow.geo import EARTH_RADIUS_KM
from mailflow.matching import (
    COUNTRY_LANGUAGE,
    CRITERIA,
    LEVELS,
    SMALL_LEVELS,
    Candidate,
    LeadPlace,
    Performance,
    Policy,
)

Mask = np.ndarray
# Hard filters in the order they are checked: a partner is excluded by the first that applies.
REASONS = (
    "already offered this lead",
    "no contact who receives offers",
    "away",
    "outside its territory",
    "lacks the required certification",
    "at capacity",
    "beyond the maximum distance",
)
NOT_CHOSEN = len(REASONS) + 1  # the partner manager chose another partner: not listed


def _casefolded(values: Iterable[str]) -> set[str]:
    return {v.casefold() for v in values if v}


def _epoch(moment: datetime | None) -> float:
    if moment is None:
        return np.nan
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _index(sets: Sequence[set[str]]) -> dict[str, Mask]:
    """term → which partners have it."""
    members: dict[str, list[int]] = {}
    for i, terms in enumerate(sets):
        for term in terms:
            members.setdefault(term, []).append(i)
    masks = {}
    for term, at in members.items():
        masks[term] = np.zeros(len(sets), dtype=bool)
        masks[term][at] = True
    return masks


def performance_values(p: Performance) -> tuple[float, float, float]:
    """conversion, speed, discipline as in :func:`mailflow.matching._performance`."""
    conversion = 0.5 if p.picks == 0 else (p.won + 1) / (p.picks + 2)
    speed = 0.5 if p.median_pick_hours is None else 1 / (1 + p.median_pick_hours / 12)
    discipline = 0.5 if p.picks == 0 else (p.picks - p.unreported) / p.picks
    return conversion, speed, discipline


@dataclass(frozen=True, eq=False)
class PartnerPool:
    """Column ``i`` of every array is ``candidates[i]``."""

    candidates: tuple[Candidate, ...]
    ids: np.ndarray
    position: dict[int, int]
    lat: np.ndarray  # radians; NaN: unknown
    lon: np.ndarray
    cos_lat: np.ndarray
    away: np.ndarray  # epoch seconds; NaN: not away
    has_contact: Mask
    country: np.ndarray  # upper-case code, "" unknown
    own_country: Mask  # no territory entries: covers its own country
    areas: dict[tuple[str, str], np.ndarray]  # (country, postal prefix) → partner indices
    certs: dict[str, Mask]
    product_lines: dict[str, Mask]
    expertise: dict[str, Mask]
    languages: dict[str, Mask]
    no_languages: Mask
    capacity: np.ndarray  # NaN: no limit
    small: Mask
    static: dict[str, np.ndarray]  # criterion → value 0..1, for the criteria fixed per partner
    most_recent: int
    load: np.ndarray  # the candidates' own load (for callers without a live load)
    _weighted: dict[tuple[tuple[str, float], ...], np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.candidates)

    @classmethod
    def of(cls, candidates: Iterable[Candidate]) -> PartnerPool:
        cands = tuple(sorted(candidates, key=lambda c: c.organization_id))
        n = len(cands)
        perf = np.array([performance_values(c.performance) for c in cands], dtype=float)
        perf = perf.reshape(n, 3)
        areas: dict[tuple[str, str], list[int]] = {}
        for i, c in enumerate(cands):
            for area in c.territory:
                country, _, prefix = (area or "").upper().partition("-")
                areas.setdefault((country, prefix), []).append(i)
        coords = [(np.nan, np.nan) if c.lat is None or c.lon is None else (c.lat, c.lon)
                  for c in cands]  # fmt: skip
        rad = np.radians(np.array(coords, dtype=float).reshape(n, 2))
        recent = np.array([c.performance.recent_offers for c in cands], dtype=float)
        most = int(recent.max()) if n else 0
        return cls(
            candidates=cands,
            ids=np.array([c.organization_id for c in cands], dtype=np.int64),
            position={c.organization_id: i for i, c in enumerate(cands)},
            lat=rad[:, 0],
            lon=rad[:, 1],
            cos_lat=np.cos(rad[:, 0]),
            away=np.array([_epoch(c.away_until) for c in cands], dtype=float),
            has_contact=np.array([c.has_contact for c in cands], dtype=bool),
            country=np.array([(c.country or "").upper() for c in cands], dtype="<U8"),
            own_country=np.array([not c.territory for c in cands], dtype=bool),
            areas={k: np.array(v, dtype=np.int64) for k, v in areas.items()},
            certs=_index([_casefolded(c.certifications) for c in cands]),
            product_lines=_index([_casefolded(c.product_lines) for c in cands]),
            expertise=_index([_casefolded(c.expertise) for c in cands]),
            languages=_index([set(c.languages) for c in cands]),
            no_languages=np.array([not c.languages for c in cands], dtype=bool),
            capacity=np.array(
                [np.nan if c.capacity is None else c.capacity for c in cands], dtype=float
            ),
            small=np.array([c.level in SMALL_LEVELS for c in cands], dtype=bool),
            static={
                "certification": np.array([min(len(c.certifications), 3) / 3 for c in cands]),
                "level": np.array([LEVELS.get(c.level, 0.25) for c in cands], dtype=float),
                "conversion": perf[:, 0],
                "speed": perf[:, 1],
                "discipline": perf[:, 2],
                "balance": np.ones(n) if not most else 1 - recent / (most + 1),
            },
            most_recent=most,
            load=np.array([c.load for c in cands], dtype=float),
        )

    def load_of(self, open_leads: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """The live load as a column, from (partner ids, open leads) of the partners that
        have any; ids not in the pool (inactive, not a partner) are ignored."""
        owners, counts = open_leads
        load = np.zeros(len(self), dtype=float)
        if len(owners) and len(self):
            at = np.minimum(np.searchsorted(self.ids, owners), len(self) - 1)
            known = self.ids[at] == owners
            load[at[known]] = counts[known]
        return load

    def mask_of(self, ids: Iterable[int]) -> Mask:
        mask = np.zeros(len(self), dtype=bool)
        mask[[self.position[o] for o in ids if o in self.position]] = True
        return mask

    def distances(self, lead: LeadPlace) -> np.ndarray:
        """Haversine km to every partner (NaN where either place is unknown)."""
        if lead.lat is None or lead.lon is None:
            return np.full(len(self), np.nan)
        p1, l1 = np.radians(lead.lat), np.radians(lead.lon)
        a = (
            np.sin((self.lat - p1) / 2) ** 2
            + np.cos(p1) * self.cos_lat * np.sin((self.lon - l1) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))

    def in_territory(self, lead: LeadPlace) -> Mask:
        """As :func:`mailflow.matching.in_territory`, for every partner."""
        if lead.country is None:
            return np.ones(len(self), dtype=bool)
        country = lead.country.upper()
        inside = self.own_country & (self.country == country)
        code = (lead.postal_code or "").replace(" ", "")
        for (area_country, prefix), members in self.areas.items():
            if area_country == country and code.startswith(prefix):
                inside[members] = True
        return inside

    def exclusions(
        self,
        lead: LeadPlace,
        *,
        now: datetime,
        load: np.ndarray,
        skip: Mask,
        policy: Policy,
        distance: np.ndarray,
    ) -> np.ndarray:
        """0 for an eligible partner, else the number (1-based) of the first reason in
        :data:`REASONS` that excludes it."""
        need = (policy.required_certification or "").casefold()
        no_cert = ~self.certs.get(need, np.zeros(len(self), dtype=bool)) if need else None
        limit = policy.max_distance_km
        with np.errstate(invalid="ignore"):
            full = ~np.isnan(self.capacity) & (load >= self.capacity)
            far = distance > limit if limit is not None else None
            away = self.away > _epoch(now)
        checks = (skip, ~self.has_contact, away, ~self.in_territory(lead), no_cert, full, far)
        reason = np.zeros(len(self), dtype=np.int8)
        for code in range(len(checks), 0, -1):  # the first reason wins: write it last
            check = checks[code - 1]
            if check is not None:
                reason[check] = code
        return reason

    def scores(
        self,
        lead: LeadPlace,
        policy: Policy,
        load: np.ndarray,
        distance: np.ndarray,
        rows: np.ndarray,
    ) -> np.ndarray:
        """The weighted score 0..100 of the partners at ``rows``, as
        :func:`mailflow.matching._score` computes it for one."""
        load, distance = load[rows], distance[rows]
        capacity = self.capacity[rows]
        weights = policy.weights
        w = {k: weights.get(k, 0.0) for k in CRITERIA}
        score = self.static_score(w)[rows]
        with np.errstate(invalid="ignore", divide="ignore"):
            if w["distance"]:
                near = np.where(np.isnan(distance), 0.3, np.maximum(0.0, 1 - distance / 300))
                score += w["distance"] * near
            if w["load"]:
                limited = ~np.isnan(capacity) & (capacity != 0)
                free = np.where(limited, np.maximum(0.0, 1 - load / capacity), 1 / (1 + load / 5))
                score += w["load"] * free
        if w["expertise"]:
            score += w["expertise"] * self._expertise(lead)[rows]
        if w["language"]:
            score += w["language"] * self._language(lead)[rows]
        return 100 * score / (sum(w.values()) or 1.0)

    def static_score(self, weights: dict[str, float]) -> np.ndarray:
        """The weighted sum of the criteria fixed per partner, once per set of weights (a
        pool lives until the next partner change; campaigns have few weight sets)."""
        key = tuple(sorted((k, v) for k, v in weights.items() if k in self.static))
        cached = self._weighted.get(key)
        if cached is None:
            cached = np.zeros(len(self))
            for name, column in self.static.items():
                if weights.get(name, 0.0):
                    cached = cached + weights[name] * column
            self._weighted[key] = cached
        return cached

    def _expertise(self, lead: LeadPlace) -> np.ndarray:
        wanted = (lead.product_line or "").casefold()
        text = f"{wanted} {(lead.requirement or '').casefold()}"
        if not text.strip():
            return np.full(len(self), 0.5)
        sells = np.zeros(len(self), dtype=bool)
        for line, members in self.product_lines.items():
            if line in wanted:
                sells |= members
        expert = np.zeros(len(self), dtype=bool)
        for skill, members in self.expertise.items():
            if skill in text:
                expert |= members
        return np.where(sells, 1.0, np.where(expert, 0.7, 0.0))

    def _language(self, lead: LeadPlace) -> np.ndarray:
        language = lead.language or COUNTRY_LANGUAGE.get((lead.country or "").upper(), "en")
        speaks = self.languages.get(language, np.zeros(len(self), dtype=bool))
        return np.where(self.no_languages, 0.5, np.where(speaks, 1.0, 0.0))
