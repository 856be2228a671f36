"""Distances and a small built-in gazetteer.

The gazetteer holds the larger cities of Germany, Austria and Switzerland so that a
lead that names its city but carries no coordinates can still be placed. Finer
placement (postal codes) comes from an operator-loaded file, never from the network.
"""

from __future__ import annotations

import math
import unicodedata

EARTH_RADIUS_KM = 6371.0088

# city → (country, lat, lon)
CITIES: dict[str, tuple[str, float, float]] = {
    "Berlin": ("DE", 52.5200, 13.4050),
    "Hamburg": ("DE", 53.5511, 9.9937),
    "München": ("DE", 48.1351, 11.5820),
    "Köln": ("DE", 50.9375, 6.9603),
    "Frankfurt am Main": ("DE", 50.1109, 8.6821),
    "Stuttgart": ("DE", 48.7758, 9.1829),
    "Düsseldorf": ("DE", 51.2277, 6.7735),
    "Leipzig": ("DE", 51.3397, 12.3731),
    "Dortmund": ("DE", 51.5136, 7.4653),
    "Essen": ("DE", 51.4556, 7.0116),
    "Bremen": ("DE", 53.0793, 8.8017),
    "Dresden": ("DE", 51.0504, 13.7373),
    "Hannover": ("DE", 52.3759, 9.7320),
    "Nürnberg": ("DE", 49.4521, 11.0767),
    "Duisburg": ("DE", 51.4344, 6.7623),
    "Bochum": ("DE", 51.4818, 7.2162),
    "Wuppertal": ("DE", 51.2562, 7.1508),
    "Bielefeld": ("DE", 52.0302, 8.5325),
    "Bonn": ("DE", 50.7374, 7.0982),
    "Münster": ("DE", 51.9607, 7.6261),
    "Mannheim": ("DE", 49.4875, 8.4660),
    "Karlsruhe": ("DE", 49.0069, 8.4037),
    "Augsburg": ("DE", 48.3705, 10.8978),
    "Wiesbaden": ("DE", 50.0782, 8.2398),
    "Freiburg im Breisgau": ("DE", 47.9990, 7.8421),
    "Kiel": ("DE", 54.3233, 10.1228),
    "Rostock": ("DE", 54.0924, 12.0991),
    "Regensburg": ("DE", 49.0134, 12.1016),
    "Ulm": ("DE", 48.4011, 9.9876),
    "Erfurt": ("DE", 50.9848, 11.0299),
    "Magdeburg": ("DE", 52.1205, 11.6276),
    "Saarbrücken": ("DE", 49.2402, 6.9969),
    "Wien": ("AT", 48.2082, 16.3738),
    "Graz": ("AT", 47.0707, 15.4395),
    "Linz": ("AT", 48.3069, 14.2858),
    "Salzburg": ("AT", 47.8095, 13.0550),
    "Innsbruck": ("AT", 47.2692, 11.4041),
    "Klagenfurt": ("AT", 46.6247, 14.3053),
    "Zürich": ("CH", 47.3769, 8.5417),
    "Genf": ("CH", 46.2044, 6.1432),
    "Basel": ("CH", 47.5596, 7.5886),
    "Bern": ("CH", 46.9480, 7.4474),
    "Lausanne": ("CH", 46.5197, 6.6323),
}

_ALIASES = {
    "munich": "München",
    "muenchen": "München",
    "cologne": "Köln",
    "koeln": "Köln",
    "frankfurt": "Frankfurt am Main",
    "nuremberg": "Nürnberg",
    "nuernberg": "Nürnberg",
    "duesseldorf": "Düsseldorf",
    "hanover": "Hannover",
    "vienna": "Wien",
    "zurich": "Zürich",
    "zuerich": "Zürich",
    "geneva": "Genf",
    "geneve": "Genf",
    "freiburg": "Freiburg im Breisgau",
    "saarbruecken": "Saarbrücken",
    "muenster": "Münster",
}


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


_INDEX = {_fold(name): name for name in CITIES} | {_fold(k): v for k, v in _ALIASES.items()}


def locate_city(city: str | None, country: str | None = None) -> tuple[float, float] | None:
    """Coordinates of a known city (case and umlaut insensitive), else None."""
    if not city:
        return None
    name = _INDEX.get(_fold(city))
    if name is None:
        return None
    city_country, lat, lon = CITIES[name]
    if country and country.upper() != city_country:
        return None
    return lat, lon


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
