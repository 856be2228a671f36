"""CSV export of leads and KPIs (CLI and console download). Cells that a spreadsheet
would run as a formula get a leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from mailflow import kpi_basic
from mailflow.models import Lead, Organization

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
)
KPI_COLUMNS: tuple[str, ...] = (
    *("organization_id", "organization", "offered", "picked", "won", "lost"),
    *("pick_rate", "conversion", "since", "until"),
)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _lines(header: tuple[str, ...], rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in header])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def lead_csv(session: Session) -> Iterator[str]:
    names = dict(session.exec(select(Organization.id, Organization.name)).all())

    def rows() -> Iterator[dict[str, Any]]:
        query = select(Lead).order_by(col(Lead.id)).execution_options(yield_per=2_000)
        for lead in session.exec(query):
            row = lead.model_dump()
            row["owner"] = names.get(lead.owner_id) if lead.owner_id else None
            yield row

    return _lines(LEAD_COLUMNS, rows())


def kpi_csv(
    session: Session, now: datetime, since: datetime | None = None, until: datetime | None = None
) -> Iterator[str]:
    report = kpi_basic.report(session, now, since, until)
    rows = (
        {**row.model_dump(), "since": report.since, "until": report.until} for row in report.rows
    )
    return _lines(KPI_COLUMNS, rows)
