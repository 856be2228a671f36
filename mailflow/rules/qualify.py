"""Qualification: what a lead needs before it goes out, and its temperature.

Pure: takes the lead's values as a mapping and the criteria as data (a campaign's row, or
the default required fields) and returns the decision with every reason it failed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from mailflow.i18n import N_
from mailflow.models.schemas import BASIS_DETAILS

TEMPERATURES = (N_("hot"), N_("warm"), N_("cold"))  # shown as _(lead.temperature)
# the queue's reason for a lead of a campaign that requires a legal basis and has none
LEGAL_BASIS_MISSING = N_(
    "no legal basis yet: the customer's consent (when and where) or a legitimate-interest note"
)
RULE_OPS = (
    "equals", "not_equals", "in", "not_in", "min_length", "contains", "not_contains", "at_least"
)  # fmt: skip


@dataclass(frozen=True)
class Qualification:
    qualified: bool
    missing: tuple[str, ...]
    problems: tuple[str, ...] = ()

    @property
    def reason(self) -> str | None:
        if self.qualified:
            return None
        parts = []
        if self.missing:
            parts.append("missing: " + ", ".join(self.missing))
        parts.extend(self.problems)
        return "; ".join(parts)[:500]


@dataclass(frozen=True)
class Criteria:
    """A campaign's gate. ``rules`` are ``{"field", "op", "value"}`` mappings (see RULE_OPS)."""

    required_fields: tuple[str, ...] = ()
    allowed_countries: tuple[str, ...] = ()
    min_value: Decimal | None = None
    rules: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)
    requires_legal_basis: bool = False


def qualify(values: Mapping[str, Any], required: Iterable[str]) -> Qualification:
    return check(values, Criteria(required_fields=tuple(required)))


def check(values: Mapping[str, Any], criteria: Criteria) -> Qualification:
    """Every failed criterion is reported, so the queue can say all that is missing."""
    missing = tuple(name for name in criteria.required_fields if _blank(values.get(name)))
    problems: list[str] = []
    country = (values.get("country") or "").upper()
    if criteria.allowed_countries and country and country not in criteria.allowed_countries:
        problems.append(f"country {country} not in {', '.join(criteria.allowed_countries)}")
    if criteria.min_value is not None:
        value = _decimal(values.get("value"))
        if value is None:
            missing = (*missing, "value") if "value" not in missing else missing
        elif value < criteria.min_value:
            problems.append(f"value {_num(value)} below minimum {_num(criteria.min_value)}")
    problems.extend(p for rule in criteria.rules if (p := _rule_problem(values, rule)))
    if criteria.requires_legal_basis and not has_legal_basis(values):
        problems.append(LEGAL_BASIS_MISSING)
    return Qualification(not missing and not problems, missing, tuple(problems))


def has_legal_basis(values: Mapping[str, Any]) -> bool:
    """Consent with when and where it was given, or a legitimate-interest note."""
    wanted = BASIS_DETAILS.get(values.get("legal_basis") or "")
    return wanted is not None and not any(_blank(values.get(name)) for name in wanted)


def _rule_problem(values: Mapping[str, Any], rule: Mapping[str, Any]) -> str | None:
    name, op, expected = str(rule.get("field", "")), rule.get("op"), rule.get("value")
    actual = values.get(name)
    text = "" if actual is None else str(actual)
    ok = {
        "equals": lambda: text.casefold() == str(expected).casefold(),
        "not_equals": lambda: text.casefold() != str(expected).casefold(),
        "in": lambda: text.casefold() in _folded(expected),
        "not_in": lambda: text.casefold() not in _folded(expected),
        "min_length": lambda: len(text.strip()) >= int(expected or 0),
        "contains": lambda: str(expected).casefold() in text.casefold(),
        "not_contains": lambda: str(expected).casefold() not in text.casefold(),
        "at_least": lambda: (_decimal(actual) or Decimal(-1)) >= (_decimal(expected) or 0),
    }.get(str(op))
    if ok is None:
        return f"unknown rule {op!r} on {name}"
    return None if ok() else str(rule.get("message") or f"{name} {op} {expected}")


def _folded(values: Any) -> set[str]:
    items: Sequence[Any] = values if isinstance(values, list | tuple) else [values]
    return {str(v).casefold() for v in items}


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _num(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
