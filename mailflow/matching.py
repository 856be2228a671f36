"""Minimal matching: partners in the lead's country, nearest first.

Pure: takes plain candidate records and returns a ranked ring with the reason for
each place. The full engine (expertise, certifications, performance, fairness)
replaces ``rank`` without changing its shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from mailflow.geo import haversine_km


@dataclass(frozen=True)
class Candidate:
    organization_id: int
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    away_until: datetime | None = None
    has_contact: bool = True


@dataclass(frozen=True)
class LeadPlace:
    country: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Match:
    organization_id: int
    distance_km: float | None
    why: str


def _excluded(c: Candidate, lead: LeadPlace, now: datetime, skip: set[int]) -> bool:
    return (
        c.organization_id in skip
        or not c.has_contact
        or (lead.country is not None and c.country != lead.country)
        or (c.away_until is not None and c.away_until > now)
    )


def rank(
    lead: LeadPlace,
    candidates: Iterable[Candidate],
    *,
    now: datetime,
    skip: Iterable[int] = (),
    limit: int = 3,
) -> list[Match]:
    """The next ring: up to ``limit`` eligible partners, nearest first.

    Partners without coordinates (or a lead without them) rank after located ones,
    in a stable order by id, so a ring is always filled when partners exist.
    """
    skipped = set(skip)
    scored: list[tuple[float, int, Match]] = []
    for c in candidates:
        if _excluded(c, lead, now, skipped):
            continue
        distance = _distance(lead, c)
        why = f"{distance:.0f} km away" if distance is not None else "same country"
        key = distance if distance is not None else float("inf")
        scored.append((key, c.organization_id, Match(c.organization_id, distance, why)))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [m for _, _, m in scored[:limit]]


def _distance(lead: LeadPlace, c: Candidate) -> float | None:
    if None in (lead.lat, lead.lon, c.lat, c.lon):
        return None
    return haversine_km(lead.lat, lead.lon, c.lat, c.lon)  # type: ignore[arg-type]
