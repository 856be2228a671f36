"""The ranking of a whole pool and the explanation a person reads are one computation:
every partner is ranked or excluded with the text of its reason, each score is its
criteria weighted, one row explained alone is that row of the ranking; and fairness holds
on a long ranking where the smaller partners come far down."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from mailflow.rules.geo import haversine_km
from mailflow.rules.matching.criteria import (
    Candidate,
    LeadPlace,
    Performance,
    Policy,
    Scored,
    policy_weights,
)
from mailflow.rules.matching.pool import PartnerPool
from mailflow.rules.matching.ranking import explain, rank, rank_pool

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
# Words of each reason's text, in REASONS order
WORDS = ("already offered", "no contact", "offers paused", "lead is outside",
         "lacks required", "at capacity", "km away, more than")  # fmt: skip


def _candidate(rng: random.Random, i: int) -> Candidate:
    picks = rng.randint(0, 6)
    return Candidate(
        organization_id=i,
        name=f"P{i}",
        country=rng.choice(["DE", "AT", "CH", None]),
        lat=None if rng.random() < 0.1 else 47 + rng.random() * 7,
        lon=None if rng.random() < 0.1 else 6 + rng.random() * 10,
        pauses=rng.choice(
            [
                (),
                (),
                ((NOW - timedelta(days=3), NOW - timedelta(days=1)),),
                ((NOW - timedelta(days=1), NOW + timedelta(days=2)),),
            ]
        ),
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
def test_the_explanation_is_the_ranking_read_row_by_row(seed: int) -> None:
    rng = random.Random(seed)
    cands = [_candidate(rng, i) for i in rng.sample(range(1, 500), 80)]
    lead, policy = _lead(rng), _policy(rng, [c.organization_id for c in cands])
    skip = set(rng.sample([c.organization_id for c in cands], 5))
    ranking = rank_pool(PartnerPool.of(cands), lead, now=NOW, policy=policy, skip=skip, limit=3)
    excluded = dict((c.organization_id, why) for c, why in ranking.excluded)
    assert len(excluded) + ranking.eligible == len(cands)
    for i, c in enumerate(ranking.pool.candidates):
        code = int(ranking.reason[i])
        assert (code == 0) == (c.organization_id not in excluded)
        assert not code or WORDS[code - 1] in excluded[c.organization_id], (c, code)
    got = ranking.ranked
    key = [(not s.existing_customer, -s.score, s.candidate.organization_id) for s in got]
    assert key == sorted(key)
    for s in got:
        _assert_weighted(s)
    for n in rng.sample(range(len(got)), min(5, len(got))):
        (alone,) = ranking.explained(ranking.order[n : n + 1])
        assert alone == got[n]


def _assert_weighted(s: Scored) -> None:
    total = sum(w for _, w, _ in s.parts.values()) or 1.0
    weighted = 100 * sum(v * w for v, w, _ in s.parts.values()) / total
    assert s.score == pytest.approx(weighted, abs=0.06)  # the parts are shown to 3 places


def test_the_distance_is_the_haversine_of_the_per_partner_rule() -> None:
    rng = random.Random(7)
    cands = [_candidate(rng, i) for i in range(1, 200)]
    lead = LeadPlace("DE", 48.78, 9.18)
    distance = PartnerPool.of(cands).distances(lead)
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
