"""Qualification, matching and geography: pure rules, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mailflow.rules.geo import haversine_km, locate_city
from mailflow.rules.matching.criteria import Candidate, LeadPlace
from mailflow.rules.matching.ranking import rank
from mailflow.rules.qualify import qualify

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
STUTTGART = LeadPlace("DE", 48.7758, 9.1829)


def _c(
    i: int, country: str = "DE", lat: float | None = 48.0, lon: float | None = 9.0, **kw: object
) -> Candidate:
    return Candidate(i, f"P{i}", country, lat, lon, **kw)  # type: ignore[arg-type]


def test_a_lead_with_every_required_field_qualifies() -> None:
    result = qualify(
        {"customer_email": "a@b.example", "country": "DE"}, ["customer_email", "country"]
    )
    assert result.qualified and result.reason is None


def test_a_lead_missing_fields_says_which() -> None:
    result = qualify({"customer_email": "  ", "country": None}, ["customer_email", "country", "x"])
    assert not result.qualified
    assert result.missing == ("customer_email", "country", "x")
    assert result.reason == "missing: customer_email, country, x"


def test_haversine_gives_known_distances() -> None:
    assert haversine_km(52.5200, 13.4050, 48.1351, 11.5820) == pytest.approx(
        504, abs=3
    )  # Berlin–Munich
    assert haversine_km(48.2, 16.37, 48.2, 16.37) == 0


def test_cities_are_found_with_or_without_umlauts_and_in_english() -> None:
    assert locate_city("München") == locate_city("muenchen") == locate_city("Munich")
    assert locate_city("Wien", "AT") is not None
    assert locate_city("Wien", "DE") is None
    assert locate_city("Atlantis") is None


def test_rank_offers_the_nearest_partners_of_the_same_country_first() -> None:
    cands = [
        _c(1, lat=52.52, lon=13.40),  # Berlin
        _c(2, lat=48.78, lon=9.18),  # Stuttgart
        _c(3, lat=48.40, lon=9.99),  # Ulm
        _c(4, lat=49.45, lon=11.08),  # Nuremberg
        _c(5, country="AT", lat=47.27, lon=11.40),
    ]
    ring = rank(STUTTGART, cands, now=NOW, limit=3)
    assert [m.organization_id for m in ring] == [2, 3, 4]
    assert ring[0].distance_km == pytest.approx(0, abs=1)
    assert "km away" in ring[1].why


def test_rank_skips_partners_already_offered_away_or_unreachable() -> None:
    cands = [
        _c(1),
        _c(2, pauses=((NOW - timedelta(days=1), NOW + timedelta(days=3)),)),
        _c(3, has_contact=False),
        _c(4, pauses=((NOW - timedelta(days=3), NOW - timedelta(days=1)),)),
        _c(5),
    ]
    assert [m.organization_id for m in rank(STUTTGART, cands, now=NOW, skip=[5])] == [1, 4]


def test_rank_fills_the_ring_with_unlocated_partners_after_located_ones() -> None:
    cands = [_c(9, lat=None, lon=None), _c(3, lat=None, lon=None), _c(7)]
    ring = rank(STUTTGART, cands, now=NOW, limit=3)
    assert [m.organization_id for m in ring] == [7, 3, 9]
    assert ring[1].distance_km is None and "distance unknown" in ring[1].why
