"""How a CSV file is written for whoever opens it.

``rfc4180``: plain RFC 4180 (comma, decimal point, ISO times, no byte-order mark), for
programs. ``excel``: the same with a UTF-8 byte-order mark (without one, Excel reads the
file as the machine's code page and mangles every umlaut) and times Excel reads as times.
``excel-de``: what a German — and French, Spanish, Italian, Dutch or Polish — Excel
expects: semicolons between cells, decimal commas, the byte-order mark. ``auto`` picks
by the reader's language: its decimal separator decides between ``excel`` and
``excel-de``; without a reader (the command line) it is ``rfc4180``.

The choice: a download's ``?dialect=`` first, then ``MAILFLOW_CSV_DIALECT``, then ``auto``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from babel.numbers import get_decimal_symbol

from mailflow import i18n
from mailflow.settings import CSV_DIALECTS


@dataclass(frozen=True)
class CsvDialect:
    name: str
    delimiter: str
    decimal: str
    bom: bool  # a UTF-8 byte-order mark first
    spreadsheet_times: bool  # "2026-11-30 06:30:00" (UTC) instead of ISO 8601

    def number(self, value: float | Decimal) -> str | float | Decimal:
        """A decimal number as this dialect writes it (a string once the point changes)."""
        return value if self.decimal == "." else str(value).replace(".", self.decimal)

    def time(self, value: datetime) -> str:
        if not self.spreadsheet_times:
            return value.isoformat()
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%d %H:%M:%S")

    def cell(self, value: Any) -> Any:
        """Numbers and times in this dialect; other values unchanged."""
        if isinstance(value, datetime):
            return self.time(value)
        if isinstance(value, (float, Decimal)):
            return self.number(value)
        return value


RFC4180 = CsvDialect("rfc4180", ",", ".", bom=False, spreadsheet_times=False)
EXCEL = CsvDialect("excel", ",", ".", bom=True, spreadsheet_times=True)
EXCEL_DE = CsvDialect("excel-de", ";", ",", bom=True, spreadsheet_times=True)
DIALECTS = {d.name: d for d in (RFC4180, EXCEL, EXCEL_DE)}
assert set(DIALECTS) | {"auto"} == set(CSV_DIALECTS)


class UnknownDialect(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown CSV dialect {name!r}; expected one of {', '.join(CSV_DIALECTS)}")


def for_language(lang: str) -> CsvDialect:
    """The spreadsheet dialect of a reader of ``lang``: decimal comma → ``excel-de``."""
    return EXCEL_DE if get_decimal_symbol(i18n.normalize(lang)) == "," else EXCEL


def choose(requested: str | None, setting: str, language: str | None) -> CsvDialect:
    """The dialect of one file: ``requested`` (a download's parameter) over ``setting``;
    ``auto`` by ``language`` (None: no reader, a file for programs)."""
    name = (requested or "").strip().lower() or setting
    if name == "auto":
        return for_language(language) if language else RFC4180
    dialect = DIALECTS.get(name)
    if dialect is None:
        raise UnknownDialect(name)
    return dialect
