"""Matching: which partners get a lead, in which order, and why.

Pure: takes the lead and plain candidate records (their performance figures already
loaded by :mod:`mailflow.queries.matching_input`). Hard filters (already offered, no
reachable contact, away, territory, a required certification, full capacity, too far)
exclude a partner with a reason (:mod:`mailflow.rules.matching.filters`); every partner
left gets a score from weighted soft criteria, each 0..1, shown one by one on the console.

Each soft criterion is written once, here, as a function over arrays with one entry per
partner: :mod:`mailflow.rules.matching.pool` calls it for all partners at once to rank
them, and the explanation a person reads shows the same values row by row, with a note
(:func:`notes`) naming the facts behind each value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from mailflow.i18n import N_
from mailflow.rules import followup
from mailflow.rules.matching.note import LEVEL_NAMES, Note

Mask = npt.NDArray[np.bool_]
Column = npt.NDArray[np.float64]

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
# The customer's language when the lead names none, by country. Countries where no one
# language is safe to assume (BE, LU) are left out: a wrong guess would rank partners by
# a language the customer does not speak; CH counts as German, its largest language.
COUNTRY_LANGUAGE = {
    "DE": "de",
    "AT": "de",
    "CH": "de",
    "LI": "de",
    "FR": "fr",
    "MC": "fr",
    "IT": "it",
    "SM": "it",
    "ES": "es",
    "NL": "nl",
    "PL": "pl",
}


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
    # away periods that pause its offers: (from, until), evaluated against the clock
    pauses: tuple[tuple[datetime, datetime], ...] = ()

    def back_at(self, now: datetime) -> datetime | None:
        """When the partner pausing its offers at ``now`` is back (``None``: not paused)."""
        return followup.back_at(self.pauses, now)


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
    # the ranking it was chosen from (None when a person chose the partner)
    score: float | None = None
    parts: dict[str, tuple[float, float, str]] | None = field(
        default=None, compare=False, hash=False
    )

    def snapshot(self, position: int, of: int) -> dict[str, object]:
        """What the offer keeps of the ranking it was made from: its place in the ring,
        the score and each criterion's value, weight and note."""
        return {
            "position": position,
            "of": of,
            "score": self.score,
            "distance_km": self.distance_km,
            "why": self.why,
            "why_note": _note_json(self.why),
            "parts": {k: list(v) for k, v in (self.parts or {}).items()},
            # each note's message and values, to show it in a reader's language later
            "notes": {k: _note_json(v[2]) for k, v in (self.parts or {}).items()},
        }


def _note_json(note: str) -> list[Any] | None:
    return note.as_json() if isinstance(note, Note) else None


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


# -- the soft criteria, each 0..1 per partner ---------------------------------------------


def expertise(sells: Mask, expert: Mask, named: bool) -> Column:
    """Selling the lead's product line beats expertise in what it asks for."""
    if not named:
        return np.full(len(sells), 0.5)
    return np.where(sells, 1.0, np.where(expert, 0.7, 0.0))


def certification(count: Column) -> Column:
    return np.minimum(count, 3) / 3


def level(levels: Iterable[str]) -> Column:
    return np.array([LEVELS.get(name, 0.25) for name in levels], dtype=float)


def conversion(picks: Column, won: Column) -> Column:
    """Smoothed, so that one lucky lead does not make a champion."""
    return np.where(picks == 0, 0.5, (won + 1) / (picks + 2))


def speed(median_pick_hours: Column) -> Column:
    """NaN: no pick times yet."""
    return np.where(np.isnan(median_pick_hours), 0.5, 1 / (1 + median_pick_hours / 12))


def discipline(picks: Column, unreported: Column) -> Column:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(picks == 0, 0.5, (picks - unreported) / picks)


def nearness(distance_km: Column) -> Column:
    """NaN: distance unknown."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(distance_km), 0.3, np.maximum(0.0, 1 - distance_km / 300))


def language(speaks: Mask, unknown: Mask) -> Column:
    return np.where(unknown, 0.5, np.where(speaks, 1.0, 0.0))


def free_capacity(load: Column, capacity: Column) -> Column:
    """``capacity`` NaN or 0: no limit, open leads still weigh."""
    limited = ~np.isnan(capacity) & (capacity != 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(limited, np.maximum(0.0, 1 - load / capacity), 1 / (1 + load / 5))


def balance(recent_offers: Column, most_recent: int) -> Column:
    if most_recent == 0:
        return np.ones(len(recent_offers))
    return 1 - recent_offers / (most_recent + 1)


# -- what a criterion compares on the lead's side -----------------------------------------


def lead_language(lead: LeadPlace) -> str:
    return lead.language or COUNTRY_LANGUAGE.get((lead.country or "").upper(), "en")


def lead_wants(lead: LeadPlace) -> tuple[str, str]:
    """The product line asked for, and that with the requirement (both casefolded)."""
    wanted = (lead.product_line or "").casefold()
    return wanted, f"{wanted} {(lead.requirement or '').casefold()}"


def named_in(text: str, terms: Iterable[str]) -> list[str]:
    """The ``terms`` (product lines, fields of expertise) that ``text`` mentions."""
    return [t for t in terms if t and t.casefold() in text]


def notes(
    c: Candidate, lead: LeadPlace, km: float | None, most_recent: int, values: Mapping[str, float]
) -> dict[str, Note]:
    """Per criterion, the facts behind ``c``'s value in ``values``."""
    p, hours = c.performance, c.performance.median_pick_hours
    return {
        "expertise": _expertise_note(c, lead, values["expertise"]),
        "certification": Note(N_("%(count)s certs"), count=len(c.certifications)),
        "level": Note(LEVEL_NAMES.get(c.level, N_("standard partner")), text=c.level),
        "conversion": Note(N_("%(won)s won of %(picks)s picked"), won=p.won, picks=p.picks)
        if p.picks
        else Note(N_("no picks yet")),
        "speed": Note(N_("no pick times yet"))
        if hours is None
        else Note(N_("picks in %(hours)s h (median)"), hours=round(hours, 1)),
        "discipline": Note(N_("%(count)s picked, never reported"), count=p.unreported)
        if p.picks
        else Note(N_("nothing to report yet")),
        "distance": Note(N_("distance unknown"))
        if km is None
        else Note(N_("%(km)s km"), km=round(km)),
        "language": _language_note(lead, values["language"]),
        "load": Note(N_("%(load)s of %(capacity)s open leads"), load=c.load, capacity=c.capacity)
        if c.capacity
        else Note(N_("%(load)s open leads"), load=c.load),
        "balance": Note(N_("%(count)s offers in 30 days"), count=p.recent_offers)
        if most_recent
        else Note(N_("no recent offers")),
    }


def _expertise_note(c: Candidate, lead: LeadPlace, value: float) -> Note:
    wanted, text = lead_wants(lead)
    if value == 1.0:
        return Note(N_("sells %(what)s"), what=named_in(wanted, c.product_lines)[0])
    if value == 0.7:
        return Note(N_("expert in %(what)s"), what=named_in(text, c.expertise)[0])
    if value == 0.5:
        return Note(N_("lead names no product line"))
    return Note(N_("no matching product line or expertise"))


def _language_note(lead: LeadPlace, value: float) -> Note:
    if value == 0.5:
        return Note(N_("languages unknown"))
    if value == 1.0:
        return Note(N_("speaks %(language)s"), language=lead_language(lead))
    return Note(N_("does not speak %(language)s"), language=lead_language(lead))
