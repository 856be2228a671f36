"""The vectorised pool applies exactly the per-partner rules of :mod:`mailflow.matching`:
same exclusions (same reason first), same scores, same order; and fairness holds on a long
ranking where the smaller partners come far down."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from mailflow.matching import (
    Candidate,
    LeadPlace,
    Performance,
    Policy,
    _excluded,
    _score,
    explain,
    policy_weights,
    rank,
)
from mailflow.matchpool import REASONS, PartnerPool
from mailflow.ranking import rank_pool

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
# Words of each reason's text, in REASONS order
WORDS = ("already offered", "no contact", "away until", "lead is outside",
         "lacks required", "at capacity", "km away, more than")  # fmt: skip


def _candidate(rng: random.Random, i: int) -> Candidate:
    picks = rng.randint(0, 6)
    return Candidate(
        organization_id=i,
        name=f"P{i}",
        country=rng.choice(["DE", "AT", "CH", None]),
        lat=None if rng.random() < 0.1 else 47 + rng.random() * 7,
        lon=None if rng.random() < 0.1 else 6 + rng.random() * 10,
        away_until=rng.choice([None, None, NOW - timedelta(days=1), NOW + timedelta(days=2)]),
        has_contact=rng.random() > 0.1,
        level=rng.choice(["premium", "gold", "silver", "standard", "odd"]),
        certifications=tuple(rng.sample(["F-Gas", "KNX", "SolarPro", "x"], rng.randint(0, 4))),
        expertise=tuple(rng.sample(["heating", "solar", "Commercial"], rng.randint(0, 2))),
        product_lines=tuple(rng.sample(["Heat pump", "Solar", "Boiler", ""], rng.randint(0, 2))),
        languages=tuple(rng.sample(["de", "en", "fr"], rng.randint(0, 2))),
        territory=tuple(rng.sample(["DE", "DE-7", "AT-1", "CH", "de-80"], rng.randint(0, 2)))
        if rng.random() < 0.3
        else (),
        capacity=rng.choice([None, 0, 1, 3, 10]),
        load=rng.randint(0, 4),
        performance=Performance(
            offers=picks + rng.randint(0, 5),
            picks=picks,
            won=rng.randint(0, picks),
            unreported=rng.randint(0, picks),
            median_pick_hours=rng.uniform(0.1, 40) if picks else None,
            recent_offers=rng.randint(0, 9),
        ),
    )


def _lead(rng: random.Random) -> LeadPlace:
    return LeadPlace(
        country=rng.choice(["DE", "AT", "de", None]),
        lat=None if rng.random() < 0.2 else 47 + rng.random() * 7,
        lon=None if rng.random() < 0.2 else 6 + rng.random() * 10,
        postal_code=rng.choice([None, "70173", "80331", "1010", " 7 0173"]),
        product_line=rng.choice([None, "Heat pump 12 kW", "solar roof", ""]),
        requirement=rng.choice([None, "commercial heating", ""]),
        language=rng.choice([None, "en", "fr"]),
    )


def _policy(rng: random.Random, ids: list[int]) -> Policy:
    names = ["expertise", "distance", "load", "balance", "level", "language"]
    return Policy(
        weights=policy_weights({n: rng.choice([0, 0.5, 2, 5]) for n in rng.sample(names, 3)}),
        required_certification=rng.choice([None, None, "f-gas", "KNX"]),
        max_distance_km=rng.choice([None, 150.0, 400.0]),
        small_share=rng.choice([0.0, 0.34, 0.67]),
        customers_of=frozenset(rng.sample(ids, rng.choice([0, 0, 1, 2]))),
    )


@pytest.mark.parametrize("seed", range(40))
def test_the_vectorised_pool_agrees_with_the_per_partner_rules(seed: int) -> None:
    rng = random.Random(seed)
    cands = [_candidate(rng, i) for i in rng.sample(range(1, 500), 80)]
    lead, policy = _lead(rng), _policy(rng, [c.organization_id for c in cands])
    skip = set(rng.sample([c.organization_id for c in cands], 5))
    pool = PartnerPool.of(cands)
    ranking = rank_pool(pool, lead, now=NOW, policy=policy, skip=skip, limit=3)
    most = max(c.performance.recent_offers for c in cands)
    expected = []
    for i, c in enumerate(pool.candidates):
        km = None if np.isnan(ranking.distance[i]) else float(ranking.distance[i])
        why = _excluded(c, lead, NOW, skip, policy, km)
        code = int(ranking.reason[i])
        if why is None:
            assert code == 0, (c, REASONS[code - 1])
            expected.append(_score(c, lead, policy, km, most))
        else:
            assert code and WORDS[code - 1] in why, (c, why, code)
    expected.sort(key=lambda s: (not s.existing_customer, -s.score, s.candidate.organization_id))
    got = ranking.ranked
    assert [s.score for s in got] == [s.score for s in expected]
    assert [s.candidate.organization_id for s in got] == [
        s.candidate.organization_id for s in expected
    ]


def test_the_distance_is_the_haversine_of_the_per_partner_rule() -> None:
    rng = random.Random(7)
    cands = [_candidate(rng, i) for i in range(1, 200)]
    lead = LeadPlace("DE", 48.78, 9.18)
    distance = PartnerPool.of(cands).distances(lead)
    from mailflow.geo import haversine_km

    for c, d in zip(cands, distance, strict=True):
        if c.lat is None or c.lon is None:
            assert np.isnan(d)
        else:
            assert d == pytest.approx(haversine_km(48.78, 9.18, c.lat, c.lon), abs=1e-9)


def _big(i: int, level: str, km: float) -> Candidate:
    return Candidate(i, f"P{i}", "DE", 48.78 + km / 111, 9.18, level=level)


def test_a_smaller_partner_far_down_a_long_ranking_still_gets_its_share() -> None:
    premium = [_big(i, "premium", i) for i in range(1, 400)]
    small = [_big(1000 + i, "standard", 250 + i) for i in range(3)]
    ring = rank(LeadPlace("DE", 48.78, 9.18), premium + small, now=NOW, limit=3)
    assert [m.organization_id for m in ring][:2] == [1, 2]
    assert {m.organization_id for m in ring} == {1, 2, 1000}
    assert "fair share for smaller partners" in next(
        m.why for m in ring if m.organization_id == 1000
    )


def test_an_existing_customers_partner_comes_first_even_from_the_bottom() -> None:
    cands = [_big(i, "premium", i) for i in range(1, 300)] + [_big(999, "standard", 280)]
    policy = Policy(customers_of=frozenset({999}))
    ranking = explain(LeadPlace("DE", 48.78, 9.18), cands, now=NOW, limit=3, policy=policy)
    assert [m.organization_id for m in ranking.ring] == [999]
    assert ranking.ranked[0].candidate.organization_id == 999


def test_exclusions_are_counted_per_reason_with_the_nearest_as_examples() -> None:
    cands = [_big(i, "gold", i * 10) for i in range(1, 21)]
    cands += [Candidate(100 + i, f"W{i}", "AT", 48.2, 16.37) for i in range(7)]
    ranking = explain(LeadPlace("DE", 48.78, 9.18), cands, now=NOW, skip=[5, 6])
    groups = ranking.exclusion_groups(examples=3)
    assert [(g.reason, g.count) for g in groups] == [
        ("already offered this lead", 2),
        ("outside its territory", 7),
    ]
    assert [c.organization_id for c, _ in groups[0].examples] == [5, 6]
    assert all(why == "lead is outside its territory" for _, why in groups[1].examples)
    assert len(groups[1].examples) == 3 and ranking.eligible == 18
