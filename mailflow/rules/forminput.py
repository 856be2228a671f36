"""What people type into forms: one parser for amounts and one check for text, used by
every dialog and form (and the actions behind them). Pure: no Flask, no session.

An amount is ASCII digits with the usual separators (``12500``, ``12,500.00``,
``12.500,00``, ``12 500``): never ``NaN``, ``Infinity``, a minus sign, an exponent, or
digits of other scripts (``"²".isdigit()`` is true, and ``Decimal`` reads ``"٣"``).
Text never carries a NUL byte (PostgreSQL refuses it, other tools cut the text there)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from mailflow.models.schemas import INT_MAX

# The largest amount a Numeric(14, 2) column holds.
MAX_AMOUNT = Decimal("999999999999.99")
_AMOUNT = re.compile(r"^[0-9][0-9.,]*$")  # [0-9], not \d: ASCII digits only
_CENT = Decimal("0.01")


class FormInputError(ValueError):
    """A value a person typed that cannot be taken; the message names the field, and
    ``field`` holds its name for a caller that points the person to it."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def parse_amount(text: str, field: str = "amount", maximum: Decimal = MAX_AMOUNT) -> Decimal | None:
    """The amount in ``text`` rounded to cents; ``None`` when the field is empty."""
    raw = text.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    raw = raw.replace("'", "")
    if not raw:
        return None
    if not (raw.isascii() and _AMOUNT.match(raw)):
        raise FormInputError(
            f"{field}: write a positive number with the digits 0-9, like 12500 or 12.500,00",
            field=field,
        )
    try:
        value = Decimal(_normalised(raw))
    except InvalidOperation:
        raise FormInputError(f"{field}: {text.strip()!r} is not a number", field=field) from None
    if not value.is_finite() or value < 0:
        raise FormInputError(f"{field}: must be a positive number", field=field)
    if value > maximum:
        raise FormInputError(f"{field}: must not be more than {maximum:,}", field=field)
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _normalised(raw: str) -> str:
    """Decide which separator is the decimal one; drop the thousands separators."""
    if "," in raw and "." in raw:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
    elif raw.count(",") == 1 and len(raw.split(",")[1]) != 3:
        decimal_sep = ","
    elif raw.count(".") == 1 and len(raw.split(".")[1]) != 3:
        decimal_sep = "."
    else:
        decimal_sep = ""
    for sep in {",", "."} - {decimal_sep}:
        raw = raw.replace(sep, "")
    return raw.replace(",", ".")


def check_text(field: str, value: str | None) -> str | None:
    """``value`` unchanged; refused when it carries a NUL byte."""
    if value is not None and "\x00" in value:
        raise FormInputError(
            f"{field}: contains a NUL byte (\\0); remove it and send again", field=field
        )
    return value


def check_texts(fields: Iterable[tuple[str, str | None]]) -> None:
    """:func:`check_text` for every (name, value), e.g. a whole posted form."""
    for name, value in fields:
        check_text(name, value)


MAX_ID = INT_MAX  # the Integer primary keys of both databases


def parse_id(text: str | None, field: str = "id") -> int:
    """A row id a form posts: ASCII digits within the Integer column's range ("²" passes
    ``str.isdigit`` and a too-large id makes PostgreSQL raise instead of finding nothing)."""
    raw = (text or "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and 0 < int(raw) <= MAX_ID):
        raise FormInputError(f"{field}: choose one from the list", field=field)
    return int(raw)
