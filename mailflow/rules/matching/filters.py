"""The hard filters: which partners of a :class:`~mailflow.rules.matching.pool.PartnerPool`
may not get a lead, and why.

Pure. Every partner gets the number of the first reason that excludes it, for all
partners at once; the line a person reads for one partner (:func:`exclusion_note`) is
that number spelt out with the partner's own figures.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt

from mailflow.i18n import N_
from mailflow.rules.matching.criteria import Candidate, Column, LeadPlace, Mask, Policy
from mailflow.rules.matching.pool import PartnerPool
from mailflow.rules.note import Note

# In the order they are checked: a partner is excluded by the first that applies. Each is
# a catalog message too (marked where the console lists its labels).
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


def in_territory(pool: PartnerPool, lead: LeadPlace) -> Mask:
    """``territory`` entries are a country (``DE``) or a postal region (``DE-7``,
    ``AT-10``); without entries a partner covers its own country."""
    if lead.country is None:
        return np.ones(len(pool), dtype=bool)
    country = lead.country.upper()
    inside = pool.own_country & (pool.country == country)
    code = (lead.postal_code or "").replace(" ", "")
    for (area_country, prefix), members in pool.areas.items():
        if area_country == country and code.startswith(prefix):
            inside[members] = True
    return inside


def exclusions(
    pool: PartnerPool,
    lead: LeadPlace,
    *,
    now: datetime,
    load: Column,
    skip: Mask,
    policy: Policy,
    distance: Column,
) -> npt.NDArray[np.int8]:
    """0 for an eligible partner, else the number (1-based) of the first reason in
    :data:`REASONS` that excludes it."""
    need = (policy.required_certification or "").casefold()
    no_cert = ~pool.certs.get(need, np.zeros(len(pool), dtype=bool)) if need else None
    limit = policy.max_distance_km
    with np.errstate(invalid="ignore"):
        full = ~np.isnan(pool.capacity) & (load >= pool.capacity)
        far = distance > limit if limit is not None else None
        away = pool.paused(now)
    checks = (skip, ~pool.has_contact, away, ~in_territory(pool, lead), no_cert, full, far)
    reason = np.zeros(len(pool), dtype=np.int8)
    for code in range(len(checks), 0, -1):  # the first reason wins: write it last
        check = checks[code - 1]
        if check is not None:
            reason[check] = code
    return reason


def exclusion_note(code: int, c: Candidate, policy: Policy, km: float | None) -> Note:
    """Why ``c`` (with its live load) was excluded for the reason numbered ``code``."""
    match REASONS[code - 1] if 0 < code <= len(REASONS) else "?":
        case "away":
            return Note(N_("offers paused"))
        case "outside its territory":
            return Note(N_("lead is outside its territory"))
        case "lacks the required certification":
            return Note(N_("lacks required certification %(certification)s"),
                        certification=policy.required_certification)  # fmt: skip
        case "at capacity":
            return Note(N_("at capacity (%(load)s of %(capacity)s open leads)"),
                        load=c.load, capacity=c.capacity)  # fmt: skip
        case "beyond the maximum distance":
            limit = policy.max_distance_km or 0.0
            return Note(N_("%(km)s km away, more than %(limit)s km"),
                        f"{km:.0f} km away, more than {limit:.0f} km",
                        km=round(km or 0.0), limit=round(limit))  # fmt: skip
        case reason:
            return Note(reason)
