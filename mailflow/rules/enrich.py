"""Enrichment: company data for a lead, by the domain of the customer's email address.

A provider is anything with ``lookup(domain) -> dict | None``. The one we ship reads a
local CSV (``domain,industry,size,turnover``; extra columns are kept); there is never a
network call. :func:`enrich` is pure given a provider.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

FREEMAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "t-online.de",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "icloud.com",
        "aol.com",
        "bluewin.ch",
        "gmx.at",
    }
)


class Enricher(Protocol):
    def lookup(self, domain: str) -> Mapping[str, Any] | None: ...


class CsvCompanyData:
    """Company data from a CSV file, read once; a missing file means no data."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._rows: dict[str, dict[str, Any]] | None = None

    def _load(self) -> dict[str, dict[str, Any]]:
        if self._rows is None:
            self._rows = {}
            if self.path.is_file():
                with self.path.open(newline="", encoding="utf-8") as fh:
                    for row in csv.DictReader(fh):
                        domain = (row.pop("domain", "") or "").strip().lower()
                        if domain:
                            self._rows[domain] = {k: _typed(k, v) for k, v in row.items() if k}
        return self._rows

    def lookup(self, domain: str) -> Mapping[str, Any] | None:
        return self._load().get(domain.lower())


def email_domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].strip().lower() or None


def enrich(email: str | None, provider: Enricher) -> dict[str, Any]:
    """Company data for a business address; ``{}`` for free-mail or unknown domains."""
    domain = email_domain(email)
    if domain is None or domain in FREEMAIL:
        return {}
    found = provider.lookup(domain)
    return {"domain": domain, **found} if found else {}


def _typed(name: str, value: str | None) -> Any:
    value = (value or "").strip()
    # isascii: "²".isdigit() is true, and int() refuses it
    if name in ("size", "turnover") and value.isascii() and value.replace(".", "", 1).isdigit():
        return float(value) if "." in value else int(value)
    return value or None


_PROVIDERS: dict[tuple[Path, float], CsvCompanyData] = {}


def csv_provider(data_dir: Path) -> CsvCompanyData:
    """The CSV provider for ``<data_dir>/companies.csv``, re-read when the file changes."""
    path = data_dir / "companies.csv"
    stamp = path.stat().st_mtime if path.is_file() else 0.0
    key = (path, stamp)
    if key not in _PROVIDERS:
        _PROVIDERS.clear()
        _PROVIDERS[key] = CsvCompanyData(path)
    return _PROVIDERS[key]
