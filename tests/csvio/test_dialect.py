"""CSV files for the reader: a byte-order mark and ``;`` with decimal commas for a
German (continental) spreadsheet, plain RFC 4180 for programs; the choice by setting,
per download and by the reader's language; and the outcome of a closed lead in the lead
CSVs and the API."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mailflow import cli
from mailflow.actions import unit
from mailflow.actions.leads.feedback import feedback
from mailflow.actions.leads.pick import pick
from mailflow.csvio import exporter, importer
from mailflow.csvio.dialect import EXCEL_DE, RFC4180, UnknownDialect, choose
from mailflow.models import Contact, Lead
from mailflow.models.schemas import FeedbackIn
from mailflow.runtime import Runtime
from mailflow.settings import SettingsError, load_settings
from tests.factories import World
from tests.integration.test_console import _login, _user


def _rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))


def test_excel_de_writes_a_bom_semicolons_and_decimal_commas() -> None:
    rows = iter([{"name": "Kältetechnik Süd; Ulm", "amount": Decimal("12500.50"),
                  "rate": -0.25, "count": 3, "formula": "=1+1"}])  # fmt: skip
    header = ("name", "amount", "rate", "count", "formula")
    written = "".join(exporter.csv_lines(header, rows, EXCEL_DE))
    assert written.startswith("\ufeffname;amount;rate;count;formula\r\n")
    assert written.split("\r\n")[1] == '"Kältetechnik Süd; Ulm";12500,50;-0,25;3;\'=1+1'
    plain = "".join(exporter.csv_lines(header, iter([{"amount": Decimal("1.5")}]), RFC4180))
    assert plain == "name,amount,rate,count,formula\r\n,1.5,,,\r\n"  # no BOM, points


def test_the_dialect_comes_from_the_request_the_setting_or_the_language() -> None:
    assert choose(None, "auto", "de").name == "excel-de"
    assert choose(None, "auto", "pl").name == "excel-de"  # decimal comma in Polish too
    assert choose(None, "auto", "en").name == "excel"
    assert choose(None, "auto", None).name == "rfc4180"  # no reader: the command line
    assert choose(None, "rfc4180", "de").name == "rfc4180"
    assert choose("excel-de", "rfc4180", "en").name == "excel-de"
    with pytest.raises(UnknownDialect):
        choose("tsv", "auto", "en")
    assert load_settings({"MAILFLOW_CSV_DIALECT": "Excel-DE"}).csv_dialect == "excel-de"
    with pytest.raises(SettingsError, match="MAILFLOW_CSV_DIALECT"):
        load_settings({"MAILFLOW_CSV_DIALECT": "semicolon"})


def _won_lead(rt: Runtime, world: World) -> tuple[Lead, Lead]:
    """A lead won for 12,500.50 EUR and an open one."""
    world.partner("Stuttgart")
    won, offers = world.offered_lead(external_id="won-1")
    open_lead = world.lead(external_id="open-1")
    contact = world.contacts(offers[0].organization_id)[0]
    assert offers[0].id is not None and contact.id is not None
    with unit(rt, "test", "dialog") as ctx:
        pick(ctx, offers[0].id, contact.id)
    with unit(rt, "test", "dialog") as ctx:
        report = FeedbackIn(stage="won", amount=Decimal("12500.50"), reason="best offer")
        feedback(ctx, offers[0].id, contact.id, report)
    return world.reload(won), open_lead


def test_a_german_user_downloads_excel_de_and_can_ask_for_another(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)
    with rt.db.transaction() as s:
        user = s.exec(select(Contact).where(Contact.email == "ops@nordwind.test")).one()
        user.language = "de"
    won, _ = _won_lead(rt, world)
    _login(client)
    answer = client.get("/console/export/leads.csv")
    text = answer.get_data(as_text=True)
    assert answer.headers["X-CSV-Dialect"] == "excel-de" and text.startswith("\ufeffid;")
    assert "charset=utf-8" in answer.headers["Content-Type"]
    row = next(r for r in _rows(text, ";") if r["external_id"] == "won-1")
    assert row["outcome_stage"] == "won" and row["outcome_amount"] == "12500,50"
    assert row["outcome_currency"] == "EUR" and row["outcome_reason"] == "best offer"
    assert row["outcome_at"].startswith(won.closed_at.strftime("%Y-%m-%d %H:%M"))  # type: ignore[union-attr]
    plain = client.get("/console/export/leads.csv?dialect=rfc4180").get_data(as_text=True)
    assert plain.startswith("id,external_id,")
    row = next(r for r in _rows(plain) if r["external_id"] == "won-1")
    assert row["outcome_amount"] == "12500.50" and "T" in row["outcome_at"]
    kpis = client.get("/console/export/kpis.csv").get_data(as_text=True)
    assert kpis.startswith("\ufefforganization_id;organization;")
    assert client.get("/console/export/leads.csv?dialect=bogus").status_code == 400
    dash = client.get("/console/leads.csv?dialect=excel-de").get_data(as_text=True)
    assert [r["outcome_stage"] for r in _rows(dash, ";")] == ["won", ""]


def test_the_setting_decides_when_the_download_does_not(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)  # an English user: auto would be "excel"
    rt.settings = rt.settings.with_(csv_dialect="excel-de")
    _login(client)
    text = client.get("/console/dashboard.csv").get_data(as_text=True)
    assert text.startswith("\ufeffkey;name;offers;")


def test_the_api_shows_the_outcome_of_a_closed_lead_and_null_while_open(
    client: Any, rt: Runtime, world: World
) -> None:
    won, open_lead = _won_lead(rt, world)
    auth = {"Authorization": f"Bearer {world.api_key()}"}
    body = client.get(f"/api/v1/leads/{won.id}", headers=auth).get_json()
    assert body["state"] == "won"
    assert body["outcome"]["stage"] == "won" and body["outcome"]["amount"] == "12500.50"
    assert body["outcome"]["currency"] == "EUR" and body["outcome"]["reason"] == "best offer"
    assert body["outcome"]["at"] is not None
    assert client.get(f"/api/v1/leads/{open_lead.id}", headers=auth).get_json()["outcome"] is None
    # a partner that did not win it learns nothing of how it went
    other = world.partner("Ulm")
    listed = client.get("/api/v1/leads", headers=auth).get_json()["items"]
    assert {item["id"]: item["outcome"] is not None for item in listed} == {
        won.id: True,
        open_lead.id: False,
    }
    theirs = client.get(f"/api/v1/leads/{won.id}", headers={
        "Authorization": f"Bearer {world.api_key(other.id)}"})  # fmt: skip
    assert theirs.status_code == 404 or theirs.get_json()["outcome"] is None


def test_the_cli_export_takes_a_dialect_and_a_semicolon_file_imports(
    rt: Runtime, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _won_lead(rt, world)
    monkeypatch.setenv("MAILFLOW_DATABASE_URL", rt.settings.database_url)
    monkeypatch.setenv("MAILFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MAILFLOW_SECRET_KEYS", ",".join(rt.settings.secret_keys))
    out = tmp_path / "leads.csv"
    assert cli.main(["export", "leads", str(out), "--dialect", "excel-de"]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid;external_id;")
    assert cli.main(["export", "leads", str(out)]) == 0  # auto, no reader: RFC 4180
    assert out.read_bytes().startswith(b"id,external_id,")
    german = tmp_path / "import.csv"
    german.write_bytes(
        "\ufeffexternal_id;customer_email;city;country;requirement\r\n"
        "de-1;jörg@müller.example;Köln;DE;Wärmepumpe, 12 kW\r\n".encode()
    )
    report = importer.import_leads(rt, german, dry_run=True)
    assert report.rows == 1 and report.bad == []
