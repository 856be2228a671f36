"""Qualification criteria, postal-code centroids and enrichment: pure, no database."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from mailflow.rules.enrich import CsvCompanyData, enrich
from mailflow.rules.geo import haversine_km
from mailflow.rules.postal import parse_geonames, region_centroid
from mailflow.rules.qualify import LEGAL_BASIS_MISSING, Criteria, check

LEAD = {"customer_email": "a@b.example", "country": "DE", "value": "18000",
        "requirement": "Replace a gas boiler", "company_size": 120}  # fmt: skip


def test_allowed_countries_and_a_minimum_value_are_checked() -> None:
    criteria = Criteria(allowed_countries=("AT", "CH"), min_value=Decimal("20000"))
    result = check(LEAD, criteria)
    assert not result.qualified
    assert result.problems == ("country DE not in AT, CH", "value 18000 below minimum 20000")
    assert check({**LEAD, "country": "AT", "value": 25000}, criteria).qualified


def test_a_minimum_value_without_a_value_reports_it_missing() -> None:
    result = check({**LEAD, "value": None}, Criteria(min_value=Decimal("1")))
    assert result.missing == ("value",) and result.reason == "missing: value"


def test_simple_rules_are_data_and_say_what_failed() -> None:
    rules = (
        {"field": "requirement", "op": "min_length", "value": 40, "message": "too vague"},
        {"field": "company_size", "op": "at_least", "value": 50},
        {"field": "country", "op": "in", "value": ["de", "at"]},
        {"field": "requirement", "op": "not_contains", "value": "test"},
    )
    result = check(LEAD, Criteria(rules=rules))
    assert result.problems == ("too vague",)
    assert check({**LEAD, "requirement": "x" * 40}, Criteria(rules=rules)).qualified
    bogus = check(LEAD, Criteria(rules=({"field": "x", "op": "matches", "value": 1},)))
    assert bogus.problems == ("unknown rule 'matches' on x",)


def test_every_failure_is_listed_in_the_reason() -> None:
    criteria = Criteria(required_fields=("customer_phone",), allowed_countries=("AT",))
    assert check(LEAD, criteria).reason == "missing: customer_phone; country DE not in AT"


def test_built_in_postal_regions_place_de_at_and_ch_codes() -> None:
    stuttgart = region_centroid("DE", "70173")
    vienna = region_centroid("AT", "1010")
    zurich = region_centroid("CH", "8001")
    assert stuttgart and vienna and zurich
    assert haversine_km(*stuttgart, 48.7758, 9.1829) < 15
    assert haversine_km(*vienna, 48.2082, 16.3738) < 15
    assert haversine_km(*zurich, 47.3769, 8.5417) < 30
    assert region_centroid("DE", "7") is None and region_centroid("FR", "75001") is None


def test_a_geonames_file_is_parsed_skipping_bad_lines() -> None:
    lines = [
        "DE\t70173\tStuttgart\tBaden-Württemberg\tBW\t\t\t\t\t48.7823\t9.177\t4\n",
        "DE\t70173\tStuttgart Mitte\tBaden-Württemberg\tBW\t\t\t\t\t48.78\t9.18\t4\n",
        "DE\tbroken line\n",
        "AT\t1010\tWien\tWien\t09\t\t\t\t\t48.2077\t16.3705\t4\n",
        "DE\t99999\tNowhere\t\t\t\t\t\t\tnot-a-number\t9\t\n",
    ]
    places = list(parse_geonames(lines))
    assert [(p.country, p.code, p.place) for p in places] == [
        ("DE", "70173", "Stuttgart"),
        ("AT", "1010", "Wien"),
    ]
    assert places[0].lat == pytest.approx(48.7823)


def test_the_csv_provider_enriches_business_addresses_only(tmp_path: Path) -> None:
    path = tmp_path / "companies.csv"
    path.write_text(
        "domain,industry,size,turnover\nmustermann-bau.example,construction,45,7500000\n"
    )
    provider = CsvCompanyData(path)
    data = enrich("Erika@Mustermann-Bau.example", provider)
    assert data == {"domain": "mustermann-bau.example", "industry": "construction",
                    "size": 45, "turnover": 7500000}  # fmt: skip
    assert enrich("someone@gmail.com", provider) == {}
    assert enrich("x@unknown.example", provider) == {}
    assert enrich(None, CsvCompanyData(tmp_path / "missing.csv")) == {}


@pytest.mark.parametrize(
    ("basis", "goes_out"),
    [
        ({}, False),
        ({"legal_basis": "consent", "consent_at": "2026-11-30T09:00:00Z"}, False),
        ({"legal_basis": "consent", "consent_at": "2026-11-30T09:00:00Z",
          "consent_source": "web form"}, True),
        ({"legal_basis": "legitimate_interest", "legitimate_interest_note": "  "}, False),
        ({"legal_basis": "legitimate_interest",
          "legitimate_interest_note": "existing service contract"}, True),
        ({"legal_basis": "gossip", "legitimate_interest_note": "heard of it"}, False),
    ],
)  # fmt: skip
def test_a_campaign_requiring_a_legal_basis_holds_a_lead_without_a_whole_one(
    basis: dict[str, str], goes_out: bool
) -> None:
    result = check({**LEAD, **basis}, Criteria(requires_legal_basis=True))
    assert result.qualified is goes_out
    assert (LEGAL_BASIS_MISSING in result.problems) is not goes_out
    assert check({**LEAD, **basis}, Criteria()).qualified  # not required: no matter
