"""A partner's regions served, as the matcher reads them, and what a change may widen.

Entries are a country (``DE``) or a postal region: a country and the start of the postal
code (``DE-7``, ``DE-70``). People may also type a range of such starts of equal length
(``DE-70-73``), which becomes one entry per start. Without entries a partner serves its own
country.

The manufacturer allows a partner the areas of its territory (a country, optionally a
range of postal codes compared as text). A change may narrow freely; an entry that
neither the partner's current regions nor those areas cover widens the territory, and a
person at the manufacturer decides it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mailflow.rules.forminput import FormInputError

_ENTRY = re.compile(r"^([A-Z]{2})(?:-([0-9A-Z]{1,10}))?(?:-([0-9A-Z]{1,10}))?$")
MAX_ENTRIES = 200
MAX_RANGE = 100  # a range of more starts than this is typed wrong


@dataclass(frozen=True)
class Area:
    """An area the manufacturer gives a partner: a country, optionally a postal range."""

    country: str
    postal_from: str | None = None
    postal_to: str | None = None


def parse(text: str) -> list[str]:
    """The entries a person typed, separated by commas, semicolons, spaces or lines, in
    order and without repeats; :class:`FormInputError` carries the first word it cannot
    read (the page says what it expects in the reader's language)."""
    found: list[str] = []
    for word in re.split(r"[\s,;]+", text.upper()):
        if not word:
            continue
        match = _ENTRY.match(word)
        if match is None:
            raise FormInputError(word)
        country, start, end = match.groups()
        found += [country] if start is None else _starts(country, start, end or start, word)
    unique = list(dict.fromkeys(found))
    if len(unique) > MAX_ENTRIES:
        raise FormInputError(unique[MAX_ENTRIES])
    return unique


def _starts(country: str, start: str, end: str, word: str) -> list[str]:
    if start == end:
        return [f"{country}-{start}"]
    if not (start.isdigit() and end.isdigit() and len(start) == len(end) and start < end):
        raise FormInputError(word)
    if int(end) - int(start) >= MAX_RANGE:
        raise FormInputError(word)
    width = len(start)
    return [f"{country}-{n:0{width}d}" for n in range(int(start), int(end) + 1)]


def _split(entry: str) -> tuple[str, str]:
    country, _, prefix = entry.upper().partition("-")
    return country, prefix


def _covered_by_entries(entry: str, entries: Iterable[str]) -> bool:
    country, prefix = _split(entry)
    return any(c == country and prefix.startswith(p) for c, p in map(_split, entries))


def _covered_by_area(entry: str, area: Area) -> bool:
    """A postal start lies in an area's range when every code it begins does: its lowest
    and highest completions, compared as text like the range itself."""
    country, prefix = _split(entry)
    if country != area.country.upper():
        return False
    if area.postal_from is None and area.postal_to is None:
        return True
    if not prefix:
        return False
    low, high = area.postal_from or "", area.postal_to or "\uffff"
    width = max(len(low), len(high), len(prefix))
    return prefix.ljust(width, "0") >= low and prefix.ljust(width, "9") <= high


def beyond(
    requested: Sequence[str], current: Sequence[str], home: str | None, allowed: Sequence[Area]
) -> list[str]:
    """The requested entries that neither the current regions (its own country when it
    has none) nor the manufacturer's areas cover: what needs a person's approval."""
    own = [home.upper()] if home else []
    served = list(current) or own
    return [
        entry
        for entry in list(requested) or own
        if not _covered_by_entries(entry, served)
        and not any(_covered_by_area(entry, area) for area in allowed)
    ]
