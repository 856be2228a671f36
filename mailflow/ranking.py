"""Ranking every partner of a :class:`~mailflow.matchpool.PartnerPool` for one lead.

Pure. The hard filters and the scores are computed for all partners at once; the full
order is kept as an index array, and the per-criterion explanation (:class:`Scored`, built
by the per-partner rules of :mod:`mailflow.matching`) only for the rows someone reads: the
ring, the top of the console's table, examples of each exclusion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

import numpy as np

from mailflow.matching import (
    Candidate,
    LeadPlace,
    Match,
    Policy,
    Scored,
    _excluded,
    _ring,
    _score,
)
from mailflow.matchpool import NOT_CHOSEN, REASONS, PartnerPool


@dataclass(frozen=True)
class ExclusionGroup:
    reason: str
    count: int
    examples: list[tuple[Candidate, str]]  # the nearest few, each with its own reason


class Ranking:
    """Every partner either ranked (``order``, best first) or excluded (``reason`` > 0)."""

    def __init__(
        self,
        pool: PartnerPool,
        lead: LeadPlace,
        *,
        now: datetime,
        policy: Policy,
        load: np.ndarray,
        skip: set[int],
        limit: int,
        reason: np.ndarray,
        distance: np.ndarray,
        order: np.ndarray,
    ) -> None:
        self.pool, self.lead, self.now, self.policy = pool, lead, now, policy
        self.load, self.skip, self.limit = load, skip, limit
        self.reason, self.distance, self.order = reason, distance, order

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

    def top(self, n: int | None) -> list[Scored]:
        """The best ``n`` (all with None), each explained criterion by criterion."""
        most = self.pool.most_recent
        return [
            _score(self.candidate(i), self.lead, self.policy, self._km(i), most)
            for i in self.order[:n].tolist()
        ]

    @cached_property
    def ranked(self) -> list[Scored]:
        return self.top(None)

    def why(self, i: int) -> str:
        return (
            _excluded(self.candidate(i), self.lead, self.now, self.skip, self.policy, self._km(i))
            or "?"
        )

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
        """As :func:`mailflow.matching._ring` over the full order; only the rows that can
        matter are explained: the top ``limit`` and the best smaller partners."""
        limit, share = self.limit, self.policy.small_share
        reserved = min(limit, int(limit * share + 0.5)) if limit else 0
        small_at = np.flatnonzero(self.pool.small[self.order])[:reserved]
        at = np.union1d(np.arange(min(limit, len(self.order))), small_at).astype(np.int64)
        most = self.pool.most_recent
        rows = [
            _score(self.candidate(i), self.lead, self.policy, self._km(i), most)
            for i in self.order[at].tolist()
        ]
        return _ring(rows, limit, share)


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
    skipped = set(skip)
    load = pool.load if open_leads is None else pool.load_of(open_leads)
    distance = pool.distances(lead)
    reason = pool.exclusions(
        lead, now=now, load=load, skip=pool.mask_of(skipped), policy=policy, distance=distance
    )
    if only is not None:
        reason[pool.ids != only] = NOT_CHOSEN
    eligible = np.flatnonzero(reason == 0)
    score = np.round(pool.scores(lead, policy, load, distance, eligible), 2)
    ids = pool.ids[eligible]
    first = np.isin(ids, np.fromiter(policy.customers_of, dtype=np.int64))
    order = eligible[np.lexsort((ids, -score, ~first))]
    return Ranking(
        pool, lead, now=now, policy=policy, load=load, skip=skipped, limit=limit,
        reason=reason, distance=distance, order=order,
    )  # fmt: skip
