"""Postal-code centroids: a built-in table of postal regions (DE and AT by the first two
digits, CH by the first digit) and a parser for GeoNames postal-code files, which an
operator loads with ``mailflow import postcodes FILE``. Nothing is downloaded.

Pure: no database here (the loaded codes live in :class:`mailflow.models.PostalCode`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

REGION_DIGITS = {"DE": 2, "AT": 2, "CH": 1}


@dataclass(frozen=True)
class PostalPlace:
    country: str
    code: str
    place: str | None
    lat: float
    lon: float


@cache
def _regions() -> dict[tuple[str, str], tuple[float, float]]:
    text = resources.files("mailflow").joinpath("data/postal_regions.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {(r["country"], r["region"]): (float(r["lat"]), float(r["lon"])) for r in rows}


def normalize(code: str | None) -> str:
    return (code or "").replace(" ", "").upper()


def region_centroid(country: str | None, code: str | None) -> tuple[float, float] | None:
    """The built-in centroid of the postal region ``code`` falls in, else None."""
    digits = REGION_DIGITS.get((country or "").upper())
    code = normalize(code)
    if digits is None or len(code) < digits or not code[:digits].isdigit():
        return None
    return _regions().get(((country or "").upper(), code[:digits]))


def parse_geonames(lines: Iterable[str]) -> Iterator[PostalPlace]:
    """GeoNames postal-code dump: tab-separated, country code, postal code, place name,
    admin names and codes, latitude (column 10), longitude (11), accuracy. Bad lines are
    skipped; the same code twice (several places) keeps the first."""
    seen: set[tuple[str, str]] = set()
    for line in lines:
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 11:
            continue
        country, code = cols[0].strip().upper(), normalize(cols[1])
        try:
            lat, lon = float(cols[9]), float(cols[10])
        except ValueError:
            continue
        if len(country) != 2 or not code or (country, code) in seen:
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        seen.add((country, code))
        yield PostalPlace(country, code, cols[2].strip()[:180] or None, lat, lon)
