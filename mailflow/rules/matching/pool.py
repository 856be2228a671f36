"""The partner pool as columns: every partner's matching data in numpy arrays, so that a
lead is filtered and scored against all partners at once.

Pure (no database). :mod:`mailflow.queries.matching_input` builds one :class:`PartnerPool`
per process and database from the partners' static data and rebuilds it when the pool's
version token changes; what changes all the time (open leads per partner, the offers
already made for the lead, the customer's partners, the clock) comes with each call. The
soft criteria are those of :mod:`mailflow.rules.matching.criteria`, computed here for
every partner (the ranking) or for the few rows a person reads (the explanation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from mailflow.rules.geo import EARTH_RADIUS_KM
from mailflow.rules.matching import criteria
from mailflow.rules.matching.criteria import (
    CRITERIA,
    SMALL_LEVELS,
    Candidate,
    Column,
    LeadPlace,
    Mask,
    Policy,
)

# The criteria that depend on the lead or the live load, in the order they are added up
LIVE = ("distance", "load", "expertise", "language")


def _casefolded(values: Iterable[str]) -> set[str]:
    return {v.casefold() for v in values if v}


def epoch(moment: datetime | None) -> float:
    """Seconds since 1970 (a naive moment is UTC); NaN for None."""
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


def _column(values: Iterable[float | None]) -> Column:
    """None becomes NaN."""
    return np.array([np.nan if v is None else v for v in values], dtype=float)


@dataclass(frozen=True, eq=False)
class PartnerPool:
    """Column ``i`` of every array is ``candidates[i]``."""

    candidates: tuple[Candidate, ...]
    ids: np.ndarray
    position: dict[int, int]
    lat: np.ndarray  # radians; NaN: unknown
    lon: np.ndarray
    cos_lat: np.ndarray
    # away periods that pause offers, one entry each: partner index, from, until (epoch s)
    pause_at: np.ndarray
    pause_from: np.ndarray
    pause_until: np.ndarray
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
        areas: dict[tuple[str, str], list[int]] = {}
        for i, c in enumerate(cands):
            for area in c.territory:
                country, _, prefix = (area or "").upper().partition("-")
                areas.setdefault((country, prefix), []).append(i)
        coords = [(np.nan, np.nan) if c.lat is None or c.lon is None else (c.lat, c.lon)
                  for c in cands]  # fmt: skip
        rad = np.radians(np.array(coords, dtype=float).reshape(n, 2))
        perf = [c.performance for c in cands]
        picks = _column(p.picks for p in perf)
        recent = _column(p.recent_offers for p in perf)
        most = int(recent.max()) if n else 0
        pauses = [(i, epoch(a), epoch(b)) for i, c in enumerate(cands) for a, b in c.pauses]
        return cls(
            candidates=cands,
            ids=np.array([c.organization_id for c in cands], dtype=np.int64),
            position={c.organization_id: i for i, c in enumerate(cands)},
            lat=rad[:, 0],
            lon=rad[:, 1],
            cos_lat=np.cos(rad[:, 0]),
            pause_at=np.array([p[0] for p in pauses], dtype=np.int64),
            pause_from=np.array([p[1] for p in pauses], dtype=float),
            pause_until=np.array([p[2] for p in pauses], dtype=float),
            has_contact=np.array([c.has_contact for c in cands], dtype=bool),
            country=np.array([(c.country or "").upper() for c in cands], dtype="<U8"),
            own_country=np.array([not c.territory for c in cands], dtype=bool),
            areas={k: np.array(v, dtype=np.int64) for k, v in areas.items()},
            certs=_index([_casefolded(c.certifications) for c in cands]),
            product_lines=_index([_casefolded(c.product_lines) for c in cands]),
            expertise=_index([_casefolded(c.expertise) for c in cands]),
            languages=_index([set(c.languages) for c in cands]),
            no_languages=np.array([not c.languages for c in cands], dtype=bool),
            capacity=_column(c.capacity for c in cands),
            small=np.array([c.level in SMALL_LEVELS for c in cands], dtype=bool),
            static={  # in the order they are added up
                "certification": criteria.certification(
                    _column(len(c.certifications) for c in cands)
                ),
                "level": criteria.level(c.level for c in cands),
                "conversion": criteria.conversion(picks, _column(p.won for p in perf)),
                "speed": criteria.speed(_column(p.median_pick_hours for p in perf)),
                "discipline": criteria.discipline(picks, _column(p.unreported for p in perf)),
                "balance": criteria.balance(recent, most),
            },
            most_recent=most,
            load=_column(c.load for c in cands),
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

    def paused(self, now: datetime) -> Mask:
        """The partners in an away period that pauses their offers at ``now``."""
        mask = np.zeros(len(self), dtype=bool)
        if len(self.pause_at):
            moment = epoch(now)
            live = (self.pause_from <= moment) & (self.pause_until > moment)
            mask[self.pause_at[live]] = True
        return mask

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

    def values(
        self,
        lead: LeadPlace,
        load: Column,
        distance: Column,
        rows: npt.NDArray[np.intp],
        names: Iterable[str] = CRITERIA,
    ) -> dict[str, Column]:
        """Each of the criteria ``names``, 0..1, for the partners at ``rows``."""
        out = {}
        for name in names:
            if name in self.static:
                out[name] = self.static[name][rows]
            elif name == "distance":
                out[name] = criteria.nearness(distance[rows])
            elif name == "load":
                out[name] = criteria.free_capacity(load[rows], self.capacity[rows])
            elif name == "expertise":
                out[name] = self._expertise(lead)[rows]
            elif name == "language":
                out[name] = self._language(lead)[rows]
        return out

    def scores(
        self,
        lead: LeadPlace,
        policy: Policy,
        load: Column,
        distance: Column,
        rows: npt.NDArray[np.intp],
    ) -> Column:
        """The weighted score 0..100 of the partners at ``rows``."""
        weights = policy.weights
        w = {k: weights.get(k, 0.0) for k in CRITERIA}
        score = self.static_score(w)[rows]
        live = self.values(lead, load, distance, rows, [k for k in LIVE if w[k]])
        for name, value in live.items():
            score += w[name] * value
        return 100 * score / (sum(w.values()) or 1.0)

    def static_score(self, weights: dict[str, float]) -> Column:
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

    def _expertise(self, lead: LeadPlace) -> Column:
        wanted, text = criteria.lead_wants(lead)
        sells = np.zeros(len(self), dtype=bool)
        for line in criteria.named_in(wanted, self.product_lines):
            sells |= self.product_lines[line]
        expert = np.zeros(len(self), dtype=bool)
        for skill in criteria.named_in(text, self.expertise):
            expert |= self.expertise[skill]
        return criteria.expertise(sells, expert, named=bool(text.strip()))

    def _language(self, lead: LeadPlace) -> Column:
        speaks = self.languages.get(criteria.lead_language(lead))
        if speaks is None:
            speaks = np.zeros(len(self), dtype=bool)
        return criteria.language(speaks, self.no_languages)
