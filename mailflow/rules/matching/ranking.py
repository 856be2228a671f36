"""Ranking every partner of a :class:`~mailflow.rules.matching.pool.PartnerPool` for one lead.

Pure. The hard filters and the scores are computed for all partners at once; the full
order is kept as an index array, and the per-criterion explanation (:class:`Scored`) is
read out of the same computation only for the rows someone reads: the ring, the top of
the console's table, examples of each exclusion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

import numpy as np
import numpy.typing as npt

from mailflow.rules.matching.criteria import (
    CRITERIA,
    Candidate,
    Column,
    LeadPlace,
    Match,
    Policy,
    Scored,
    notes,
)
from mailflow.rules.matching.filters import NOT_CHOSEN, REASONS, exclusion_note, exclusions
from mailflow.rules.matching.pool import PartnerPool
from mailflow.rules.matching.ring import ring_of

Rows = npt.NDArray[np.intp]


@dataclass(frozen=True)
class ExclusionGroup:
    reason: str
    count: int
    examples: list[tuple[Candidate, str]]  # the nearest few, each with its own reason


class Ranking:
    """Every partner either ranked (``order``, best first, ``score`` 0..100) or excluded
    (``reason`` > 0)."""

    def __init__(
        self,
        pool: PartnerPool,
        lead: LeadPlace,
        *,
        policy: Policy,
        load: Column,
        limit: int,
        reason: npt.NDArray[np.int8],
        distance: Column,
        score: Column,
        order: Rows,
    ) -> None:
        self.pool, self.lead, self.policy = pool, lead, policy
        self.load, self.limit = load, limit
        self.reason, self.distance, self.score, self.order = reason, distance, score, order

    @property
    def eligible(self) -> int:
        return len(self.order)

    @property
    def excluded_count(self) -> int:
        return int(np.count_nonzero((self.reason > 0) & (self.reason != NOT_CHOSEN)))

    def candidate(self, i: int) -> Candidate:
        c = self.pool.candidates[i]
        load = int(self.load[i])
        return c if c.load == load else replace(c, load=load)

    def _km(self, i: int) -> float | None:
        d = float(self.distance[i])
        return None if np.isnan(d) else d

    def explained(self, rows: Rows) -> list[Scored]:
        """The partners at ``rows``, each with its score broken down by criterion."""
        values = self.pool.values(self.lead, self.load, self.distance, rows)
        weights, most = self.policy.weights, self.pool.most_recent
        out = []
        for j, i in enumerate(rows.tolist()):
            c, km = self.candidate(i), self._km(i)
            row = {k: float(values[k][j]) for k in CRITERIA}
            why = notes(c, self.lead, km, most, row)
            parts: dict[str, tuple[float, float, str]] = {
                k: (round(row[k], 3), weights.get(k, 0.0), why[k]) for k in CRITERIA
            }
            existing = c.organization_id in self.policy.customers_of
            out.append(Scored(c, float(self.score[i]), km, parts, existing))
        return out

    def top(self, n: int | None) -> list[Scored]:
        """The best ``n`` (all with None), each explained criterion by criterion."""
        return self.explained(self.order[:n])

    @cached_property
    def ranked(self) -> list[Scored]:
        return self.top(None)

    def why(self, i: int) -> str:
        return exclusion_note(int(self.reason[i]), self.candidate(i), self.policy, self._km(i))

    @cached_property
    def excluded(self) -> list[tuple[Candidate, str]]:
        """Every excluded partner with its reason, in pool order."""
        hidden = (self.reason == 0) | (self.reason == NOT_CHOSEN)
        return [(self.candidate(i), self.why(i)) for i in np.flatnonzero(~hidden).tolist()]

    def exclusion_groups(self, examples: int = 5) -> list[ExclusionGroup]:
        """How many partners each hard filter excluded, with the nearest few as examples."""
        groups = []
        for code, label in enumerate(REASONS, start=1):
            members = np.flatnonzero(self.reason == code)
            if len(members):
                near = members[np.argsort(self.distance[members], kind="stable")[:examples]]
                shown = [(self.candidate(i), self.why(i)) for i in near.tolist()]
                groups.append(ExclusionGroup(label, len(members), shown))
        return groups

    @cached_property
    def ring(self) -> list[Match]:
        """:func:`~mailflow.rules.matching.ring.ring_of` the full order; only the rows that
        can matter are explained: the top ``limit`` and the best smaller partners."""
        limit, share = self.limit, self.policy.small_share
        reserved = min(limit, int(limit * share + 0.5)) if limit else 0
        small_at = np.flatnonzero(self.pool.small[self.order])[:reserved]
        at = np.union1d(np.arange(min(limit, len(self.order))), small_at).astype(np.intp)
        return ring_of(self.explained(self.order[at]), limit, share)


def rank_pool(
    pool: PartnerPool,
    lead: LeadPlace,
    *,
    now: datetime,
    policy: Policy | None = None,
    open_leads: tuple[np.ndarray, np.ndarray] | None = None,
    skip: Iterable[int] = (),
    limit: int = 3,
    only: int | None = None,
) -> Ranking:
    """Filter and score every partner for ``lead``. ``open_leads`` is the live load (partner
    ids and their open leads; None: the candidates' own ``load``); ``only`` keeps one
    chosen partner."""
    policy = policy or Policy()
    load = pool.load if open_leads is None else pool.load_of(open_leads)
    distance = pool.distances(lead)
    reason = exclusions(
        pool, lead, now=now, load=load, skip=pool.mask_of(skip), policy=policy, distance=distance
    )
    if only is not None:
        reason[pool.ids != only] = NOT_CHOSEN
    eligible = np.flatnonzero(reason == 0)
    score = np.full(len(pool), np.nan)
    score[eligible] = np.round(pool.scores(lead, policy, load, distance, eligible), 2)
    ids = pool.ids[eligible]
    first = np.isin(ids, np.fromiter(policy.customers_of, dtype=np.int64))
    order = eligible[np.lexsort((ids, -score[eligible], ~first))]
    return Ranking(
        pool, lead, policy=policy, load=load, limit=limit,
        reason=reason, distance=distance, score=score, order=order,
    )  # fmt: skip


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
    scored."""
    return rank_pool(
        PartnerPool.of(candidates), lead, now=now, policy=policy, skip=skip, limit=limit
    )


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
