"""The matching engine, criterion by criterion: pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from mailflow.mail import labels
from mailflow.rules.matching.criteria import (
    DEFAULT_WEIGHTS,
    Candidate,
    LeadPlace,
    Performance,
    Policy,
    policy_weights,
)
from mailflow.rules.matching.note import Note
from mailflow.rules.matching.ranking import explain, rank

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LEAD = LeadPlace("DE", 48.7758, 9.1829, postal_code="70173", product_line="Heat pump 12 kW")
STUTTGART, ULM, MUNICH = (48.78, 9.18), (48.40, 9.99), (48.14, 11.58)


def _c(i: int, where: tuple[float, float] = STUTTGART, **kw: Any) -> Candidate:
    return Candidate(i, f"P{i}", kw.pop("country", "DE"), where[0], where[1], **kw)


def _only(criterion: str) -> Policy:
    """Weigh one criterion only, so a test sees exactly that criterion's effect."""
    return Policy(weights={k: (1.0 if k == criterion else 0.0) for k in DEFAULT_WEIGHTS})


def _order(
    cands: list[Candidate], policy: Policy | None = None, lead: LeadPlace = LEAD
) -> list[int]:
    ranking = explain(lead, cands, now=NOW, limit=len(cands), policy=policy or Policy())
    return [s.candidate.organization_id for s in ranking.ranked]


# -- soft criteria -----------------------------------------------------------------------


def test_it_prefers_a_partner_selling_the_product_line_then_an_expert() -> None:
    cands = [_c(1), _c(2, expertise=("heat pump",)), _c(3, product_lines=("Heat pump",))]
    assert _order(cands, _only("expertise")) == [3, 2, 1]


def test_it_prefers_certified_partners() -> None:
    assert _order([_c(1), _c(2, certifications=("F-Gas", "KNX"))], _only("certification")) == [
        2,
        1,
    ]


def test_it_prefers_higher_partner_levels() -> None:
    cands = [_c(1, level="standard"), _c(2, level="premium"), _c(3, level="gold")]
    assert _order(cands, _only("level")) == [2, 3, 1]


def test_it_prefers_partners_who_convert_more_of_their_picks() -> None:
    good = Performance(offers=20, picks=10, won=6)
    poor = Performance(offers=20, picks=10, won=1)
    assert _order([_c(1, performance=poor), _c(2, performance=good)], _only("conversion")) == [2, 1]


def test_it_prefers_partners_who_pick_fast() -> None:
    slow = Performance(picks=5, median_pick_hours=30.0)
    fast = Performance(picks=5, median_pick_hours=0.5)
    assert _order([_c(1, performance=slow), _c(2, performance=fast)], _only("speed")) == [2, 1]


def test_partners_who_picked_and_never_reported_rank_lower() -> None:
    silent = Performance(picks=6, unreported=5)
    diligent = Performance(picks=6, unreported=0)
    cands = [_c(1, performance=silent), _c(2, performance=diligent)]
    assert _order(cands, _only("discipline")) == [2, 1]
    assert _order(cands) == [2, 1]  # with the default weights too


def test_it_prefers_nearer_partners_and_places_unlocated_ones_after() -> None:
    cands = [_c(1, MUNICH), _c(2, ULM), Candidate(3, "P3", "DE", None, None), _c(4)]
    assert _order(cands, _only("distance")) == [4, 2, 1, 3]


def test_it_prefers_partners_speaking_the_customers_language() -> None:
    cands = [_c(1, languages=("en",)), _c(2, languages=("de", "en")), _c(3)]
    assert _order(cands, _only("language")) == [2, 3, 1]


def test_it_prefers_partners_with_free_capacity() -> None:
    cands = [_c(1, capacity=10, load=8), _c(2, capacity=10, load=1)]
    assert _order(cands, _only("load")) == [2, 1]


def test_load_balancing_moves_a_partner_with_many_recent_offers_down() -> None:
    busy = Performance(recent_offers=40)
    cands = [_c(1, performance=busy), _c(2, performance=Performance(recent_offers=2))]
    assert _order(cands, _only("balance")) == [2, 1]
    assert _order(cands) == [2, 1]


# -- hard filters ------------------------------------------------------------------------


def test_territory_is_a_hard_filter_by_country_or_postal_region() -> None:
    cands = [
        _c(1, country="AT"),  # own country only: not DE
        _c(2, territory=("DE-8",)),  # Munich region only
        _c(3, territory=("DE-7",)),
        _c(4, country="AT", territory=("AT", "DE-70")),
    ]
    ranking = explain(LEAD, cands, now=NOW, limit=3)
    assert {s.candidate.organization_id for s in ranking.ranked} == {3, 4}
    reasons = {c.organization_id: why for c, why in ranking.excluded}
    assert reasons == {1: "lead is outside its territory", 2: "lead is outside its territory"}


def test_a_required_certification_is_a_hard_filter() -> None:
    policy = Policy(required_certification="F-Gas")
    ranking = explain(LEAD, [_c(1), _c(2, certifications=("f-gas",))], now=NOW, policy=policy)
    assert [s.candidate.organization_id for s in ranking.ranked] == [2]
    assert ranking.excluded[0][1] == "lacks required certification F-Gas"


def test_away_full_already_offered_unreachable_and_too_far_are_excluded_with_reasons() -> None:
    cands = [
        _c(1, pauses=((NOW - timedelta(days=1), NOW + timedelta(days=3)),)),
        _c(2, capacity=3, load=3),
        _c(3),
        _c(4, has_contact=False),
        _c(5, MUNICH),
        _c(6, pauses=((NOW - timedelta(days=3), NOW - timedelta(days=1)),)),
    ]
    policy = Policy(max_distance_km=100)
    ranking = explain(LEAD, cands, now=NOW, skip=[3], policy=policy)
    reasons = {c.organization_id: why for c, why in ranking.excluded}
    assert reasons[1] == "offers paused"
    assert reasons[2] == "at capacity (3 of 3 open leads)"
    assert reasons[3] == "already offered this lead"
    assert reasons[4] == "no contact who receives offers"
    assert "more than 100 km" in reasons[5]
    assert [s.candidate.organization_id for s in ranking.ranked] == [6]


# -- weights, fairness, channel conflict --------------------------------------------------


def test_weights_are_configurable_per_campaign() -> None:
    near_plain = _c(1)
    far_expert = _c(2, MUNICH, product_lines=("Heat pump",))
    distance_first = Policy(weights=policy_weights({"distance": 20, "expertise": 0}))
    expertise_first = Policy(weights=policy_weights({"distance": 0, "expertise": 20}))
    assert _order([near_plain, far_expert], distance_first)[0] == 1
    assert _order([near_plain, far_expert], expertise_first)[0] == 2
    assert policy_weights({"distance": -1, "nonsense": 5}) == dict(DEFAULT_WEIGHTS)


def test_a_share_of_each_ring_goes_to_smaller_partners() -> None:
    premium = [_c(i, level="premium", product_lines=("Heat pump",)) for i in range(1, 6)]
    small = [_c(10, ULM, level="standard"), _c(11, MUNICH, level="silver")]
    none_reserved = rank(LEAD, premium + small, now=NOW, limit=3, policy=Policy(small_share=0))
    assert {m.organization_id for m in none_reserved} <= {1, 2, 3, 4, 5}
    ring = rank(LEAD, premium + small, now=NOW, limit=3, policy=Policy(small_share=0.34))
    ids = [m.organization_id for m in ring]
    assert len(ids) == 3 and 10 in ids and 11 not in ids
    assert any("fair share for smaller partners" in m.why for m in ring)
    two_thirds = rank(LEAD, premium + small, now=NOW, limit=3, policy=Policy(small_share=0.67))
    assert {10, 11} <= {m.organization_id for m in two_thirds}


def test_the_customers_existing_partner_gets_the_lead_first_and_alone() -> None:
    cands = [_c(1, level="premium", product_lines=("Heat pump",)), _c(2, MUNICH), _c(3)]
    ring = rank(LEAD, cands, now=NOW, limit=3, policy=Policy(customers_of=frozenset({2})))
    assert [m.organization_id for m in ring] == [2]
    assert "already the customer's partner" in ring[0].why


def test_the_explanation_breaks_each_score_down_by_criterion() -> None:
    ranking = explain(LEAD, [_c(1, languages=("de",))], now=NOW)
    (scored,) = ranking.ranked
    assert set(scored.parts) == set(DEFAULT_WEIGHTS)
    value, weight, note = scored.parts["language"]
    assert (value, weight, note) == (1.0, DEFAULT_WEIGHTS["language"], "speaks de")
    total = sum(w for _, w, _ in scored.parts.values())
    expected = 100 * sum(v * w for v, w, _ in scored.parts.values()) / total
    assert abs(scored.score - expected) < 0.01


def test_each_criterion_note_is_a_catalog_message_read_in_the_readers_language() -> None:
    perf = Performance(offers=9, picks=5, won=2, median_pick_hours=3.25)
    one = _c(1, ULM, performance=perf, level="gold", languages=("de",))
    scored = explain(LEAD, [one], now=NOW).ranked[0]
    notes = {k: part[2] for k, part in scored.parts.items()}
    assert all(isinstance(n, Note) for n in notes.values())
    assert notes["conversion"] == "2 won of 5 picked"  # English for the JSON and the API
    assert labels.note("de", notes["conversion"]) == "2 von 5 übernommenen gewonnen"
    assert labels.note("de", notes["speed"]) == "übernimmt in 3,2 Std. (Median)"
    assert labels.note("de", notes["level"]) == "Goldpartner"
    assert labels.note("de", notes["language"]) == "spricht Deutsch"
    stored = Note("%(km)s km", km=1200).as_json()  # as an offer keeps it
    assert labels.note("de", "1200 km", stored) == "1.200 km"
