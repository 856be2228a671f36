"""Regions served as people type them, and which changes widen what the manufacturer allows."""

from __future__ import annotations

import pytest

from mailflow.rules.forminput import FormInputError
from mailflow.rules.territory import Area, beyond, parse


def test_it_reads_countries_postal_regions_and_ranges() -> None:
    assert parse("de, at-1; DE-70-72\nDE") == ["DE", "AT-1", "DE-70", "DE-71", "DE-72"]
    assert parse("  ") == []


@pytest.mark.parametrize("text", ["Germany", "DE-73-70", "DE-7-73", "DE-100-300", "D"])
def test_it_refuses_what_is_not_a_region(text: str) -> None:
    with pytest.raises(FormInputError):
        parse(text)


def test_narrowing_needs_nobody() -> None:
    assert beyond(["DE-7"], [], "DE", []) == []
    assert beyond(["DE-70", "DE-71"], ["DE-7"], "DE", []) == []


def test_a_new_country_or_region_widens_unless_the_manufacturer_allows_it() -> None:
    assert beyond(["DE-7", "DE-8"], ["DE-7"], "DE", []) == ["DE-8"]
    assert beyond(["DE-8", "AT"], ["DE-7"], "DE", [Area("DE")]) == ["AT"]
    assert beyond([], ["DE-7"], "DE", []) == ["DE"]  # no entries: the whole own country


def test_a_postal_range_allows_the_regions_inside_it() -> None:
    allowed = [Area("DE", "70000", "79999")]
    assert beyond(["DE-7", "DE-75", "DE-8", "DE"], ["DE-1"], "DE", allowed) == ["DE-8", "DE"]
