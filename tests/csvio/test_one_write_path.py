"""A CSV row and an API lead with the same input end in the same lead: the batch import
prepares each row with ingest's own steps (company data, customer domain, place, the
campaign's gate, the duplicate merge) and records the same Events."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.leads.ingest import ingest
from mailflow.csvio import importer
from mailflow.csvio.rows import lead_row
from mailflow.models import Campaign, Event, Lead
from mailflow.runtime import Runtime

SAME = ("state", "qualify_note", "customer_domain", "company_data", "lat", "lon", "campaign",
        "remarks", "source")  # fmt: skip


def _both(rt: Runtime, tmp_path: Path, row: dict[str, str]) -> tuple[Lead, Lead]:
    """The row imported from a CSV file (external id ``csv``) and posted to the API's
    ingest (external id ``api``, the mail address's local part changed)."""
    path = tmp_path / "leads.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, ["external_id", *row])
        out.writeheader()
        out.writerow({"external_id": "csv", **row})
    importer.import_leads(rt, path)
    api = {**row, "external_id": "api", "source": row.get("source", "csv")}
    api["customer_email"] = "api." + row["customer_email"]
    with unit(rt, "api:1", "api") as ctx:
        ingest(ctx, lead_row(dict(api)))
    with rt.db.read() as s:
        leads = {lead.external_id: lead for lead in s.exec(select(Lead))}
    return leads["csv"], leads["api"]


def _events(rt: Runtime, lead_id: int | None) -> list[tuple[str, Any, Any, dict[str, Any]]]:
    with rt.db.read() as s:
        rows = s.exec(select(Event).where(Event.lead_id == lead_id).order_by(col(Event.id)))
        return [(e.kind, e.from_state, e.to_state, e.data) for e in rows]


ROW = {
    "customer_email": "einkauf@kaelte-sued.de",
    "customer_name": "Jana Roth",
    "temperature": "hot",
    "country": "DE",
    "city": "Stuttgart",
    "postal_code": "70173",
    "product_line": "Heat pump",
    "requirement": "Replace an old gas boiler.",
    "source": "csv",
}


def test_a_csv_row_is_enriched_placed_and_gated_as_an_api_lead(rt: Runtime, tmp_path: Path) -> None:
    companies = Path(rt.settings.data_dir) / "companies.csv"
    companies.write_text("domain,industry,size\nkaelte-sued.de,HVAC,40\n", encoding="utf-8")
    from_csv, from_api = _both(rt, tmp_path, ROW)
    assert from_csv.customer_domain == "kaelte-sued.de"
    assert from_csv.company_data == {"domain": "kaelte-sued.de", "industry": "HVAC", "size": 40}
    assert {n: getattr(from_csv, n) for n in SAME} == {n: getattr(from_api, n) for n in SAME}
    assert _events(rt, from_csv.id) == _events(rt, from_api.id)
    assert [e[0] for e in _events(rt, from_csv.id)] == [
        "lead.created", "lead.enriched", "lead.qualified"
    ]  # fmt: skip


def test_the_campaign_gate_refuses_a_csv_row_as_it_refuses_an_api_lead(
    rt: Runtime, tmp_path: Path
) -> None:
    with rt.db.transaction() as s:
        s.add(Campaign(name="spring", min_value=Decimal(10_000), allowed_countries=["AT"],
                       created_at=rt.clock.now()))  # fmt: skip
    from_csv, from_api = _both(rt, tmp_path, {**ROW, "campaign": "spring", "value": "5000"})
    assert from_csv.state == "new"
    assert from_csv.qualify_note == "country DE not in AT; value 5000 below minimum 10000"
    assert {n: getattr(from_csv, n) for n in SAME} == {n: getattr(from_api, n) for n in SAME}
    assert _events(rt, from_csv.id) == _events(rt, from_api.id)


def test_a_csv_row_repeating_an_open_lead_is_merged_into_it(rt: Runtime, tmp_path: Path) -> None:
    with unit(rt, "api:1", "api") as ctx:
        first = ingest(ctx, lead_row({**ROW, "external_id": "first", "source": "api"})).lead
    path = tmp_path / "again.csv"
    again = {**ROW, "external_id": "again", "customer_phone": "+49 711 1", "city": "Esslingen"}
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, [*again, "remarks"])
        out.writeheader()
        out.writerow(again)
        out.writerow({**again, "external_id": "again-2", "remarks": "call after 5"})
    report = importer.import_leads(rt, path)
    assert (report.created, report.updated) == (0, 2)
    with rt.db.read() as s:
        leads = s.exec(select(Lead)).all()
        assert [lead.id for lead in leads] == [first.id]
        lead = leads[0]
    assert lead.customer_phone == "+49 711 1" and lead.city == "Stuttgart"
    assert "repeated enquiry via csv" in (lead.remarks or "") and "city: Esslingen" in (
        lead.remarks or ""
    )
    assert [e[0] for e in _events(rt, first.id)].count("lead.merged") == 2


def test_rows_repeating_each_other_in_one_file_make_one_lead(rt: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, ["external_id", *ROW])
        out.writeheader()
        out.writerow({"external_id": "one", **ROW})
        out.writerow({"external_id": "two", **ROW, "customer_email": ROW["customer_email"].upper()})
    report = importer.import_leads(rt, path)
    assert (report.created, report.updated) == (1, 1)
    with rt.db.read() as s:
        assert [lead.external_id for lead in s.exec(select(Lead))] == ["one"]
