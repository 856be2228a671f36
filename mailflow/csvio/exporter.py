"""CSV export of leads and KPIs (CLI and console downloads), and the one CSV writer every
download uses: a text cell that a spreadsheet would run as a formula gets a leading
apostrophe (OWASP's "CSV injection" advice); numbers stay numbers."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from mailflow.csvio.dialect import RFC4180, CsvDialect
from mailflow.models import Feedback, Lead, Organization
from mailflow.queries import kpi, outcome, visibility
from mailflow.queries.visibility import Viewer

LEAD_COLUMNS = (
    "id",
    "external_id",
    "state",
    "temperature",
    "source",
    "campaign",
    "customer_name",
    "customer_company",
    "customer_email",
    "customer_phone",
    "customer_street",
    "postal_code",
    "city",
    "country",
    "product_line",
    "value",
    "currency",
    "ring",
    "owner_id",
    "owner",
    "created_at",
    "offered_at",
    "picked_at",
    "closed_at",
    *outcome.COLUMNS,
)
KPI_COLUMNS: tuple[str, ...] = (
    *("organization_id", "organization", "offered", "picked", "won", "lost"),
    *("pick_rate", "conversion", "ttp_median_h", "adt_days", "ads", "pli", "since", "until"),
)


# What starts a formula, in ASCII and full width (spreadsheets read both); a formula may
# also follow blanks and quotes, which the spreadsheet skips.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_SKIPPED = re.compile(r"^[\s\"']+")


def defused(text: str) -> str:
    """``text``, with a leading ``'`` when a spreadsheet would evaluate it."""
    rest = _SKIPPED.sub("", text, count=1)
    if text.startswith(_FORMULA_START) or rest.startswith(_FORMULA_START):
        return "'" + text
    return text


def _cell(value: Any, dialect: CsvDialect) -> Any:
    if isinstance(value, str):
        return defused(value)
    return "" if value is None else dialect.cell(value)


def csv_lines(
    header: tuple[str, ...], rows: Iterator[dict[str, Any]], dialect: CsvDialect = RFC4180
) -> Iterator[str]:
    """The CSV text of ``rows`` (the ``header``'s keys of each; others are left out), in
    chunks of about 64 kB, in ``dialect``: the writer of every CSV download."""
    buffer = io.StringIO()
    if dialect.bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(name), dialect) for name in header])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def lead_csv(session: Session, viewer: Viewer, dialect: CsvDialect = RFC4180) -> Iterator[str]:
    """Every lead ``viewer`` sees, with its owner's name and its outcome once closed."""
    names = dict(session.exec(select(Organization.id, Organization.name)).all())

    def rows() -> Iterator[dict[str, Any]]:
        last = outcome.closing_reports()
        query = (
            select(Lead, Feedback)
            .join(last, col(Lead.id) == last.c.lead_id, isouter=True)
            .join(Feedback, col(Feedback.id) == last.c.feedback_id, isouter=True)
            .where(visibility.leads(viewer))
            .order_by(col(Lead.id))
            .execution_options(yield_per=2_000)
        )
        for lead, report in session.exec(query):
            row = lead.model_dump()
            row["owner"] = names.get(lead.owner_id) if lead.owner_id else None
            row.update(outcome.columns(outcome.of(lead, report)))
            yield row

    return csv_lines(LEAD_COLUMNS, rows(), dialect)


def kpi_csv(
    session: Session,
    viewer: Viewer,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    dialect: CsvDialect = RFC4180,
) -> Iterator[str]:
    """The API's KPI report (:func:`mailflow.queries.kpi.report`) as CSV."""
    report = kpi.report(session, viewer, now, since, until)
    rows = (
        {**row.model_dump(), "since": report.since, "until": report.until} for row in report.rows
    )
    return csv_lines(KPI_COLUMNS, rows, dialect)


def _leads(session: Session, viewer: Viewer, now: datetime, dialect: CsvDialect) -> Iterator[str]:
    return lead_csv(session, viewer, dialect)


def _kpis(session: Session, viewer: Viewer, now: datetime, dialect: CsvDialect) -> Iterator[str]:
    return kpi_csv(session, viewer, now, dialect=dialect)


# The console's full exports: name → the CSV chunks (``/console/export/<name>.csv``).
EXPORTS: dict[str, Callable[[Session, Viewer, datetime, CsvDialect], Iterator[str]]] = {
    "leads": _leads,
    "kpis": _kpis,
}
