"""CSV import and export: dry run with line numbers, idempotent upserts, bulk ingest with
Events and distribution, exports, and the command line with its progress bar."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, func, select

from bench.csv_import import write_csv
from mailflow import cli
from mailflow.csvio import exporter, importer
from mailflow.jobs.broker import JobQueue
from mailflow.models import Contact, Event, Lead, Organization
from mailflow.queries.visibility import OPERATOR
from mailflow.runtime import Runtime
from tests.factories import World

PARTNERS = (
    (
        "external_id,name,kind,level,city,country,expertise,contact_name,contact_email,"
        "contact_language\n"
    )
    + "P-1,Kältetechnik Süd,dealer,gold,Stuttgart,DE,heat pumps; ventilation,"
    "Jana Roth,jana@sued.example,de\n"
    "P-2,Nord Klima,dealer,silver,Hamburg,DE,,Ole Jensen,ole@nord.example,en\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_dry_run_lists_every_bad_row_with_its_line_and_reason(
    rt: Runtime, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "leads.csv",
        "external_id,customer_email,temperature,country,requirement\n"
        "a-1,ok@example.com,hot,DE,Boiler\n"
        "a-2,not-an-email,hot,DE,Boiler\n"
        '"a-3",ok@example.com,"lukewarm",DE,"two\nlines"\n'
        "a-4,ok@example.com,warm,DEU,Boiler,extra\n",
    )
    report = importer.import_leads(rt, path, dry_run=True)
    assert report.rows == 4 and [line for line, _ in report.bad] == [3, 5, 6]
    reasons = dict(report.bad)
    assert "customer_email" in reasons[3] and "temperature" in reasons[5]
    assert "more cells than columns" in reasons[6]
    with rt.db.read() as s:
        assert s.exec(select(func.count()).select_from(Lead)).one() == 0


def test_leads_import_in_bulk_with_events_and_distribution_and_again_idempotently(
    rt: Runtime, world: World, queue: JobQueue, tmp_path: Path
) -> None:
    for city in ("Stuttgart", "München", "Hamburg", "Berlin"):
        world.partner(city)
    path = tmp_path / "leads.csv"
    write_csv(path, 30)
    report = importer.import_leads(rt, path)
    assert (report.created, report.unchanged, report.bad) == (30, 0, [])
    queue.drain()
    with rt.db.read() as s:
        states = set(s.exec(select(Lead.state)))
        created = s.exec(
            select(func.count()).select_from(Event).where(Event.kind == "lead.created")
        ).one()
        offered = s.exec(
            select(func.count()).select_from(Event).where(Event.kind == "lead.offered")
        ).one()
    assert created == 30 and offered > 0 and "offered" in states
    again = importer.import_leads(rt, path)
    assert (again.created, again.unchanged) == (0, 30)
    with rt.db.read() as s:
        assert s.exec(select(func.count()).select_from(Lead)).one() == 30


def test_partners_are_upserted_by_external_id_with_their_contacts(
    rt: Runtime, tmp_path: Path
) -> None:
    first = importer.import_partners(rt, _write(tmp_path, "p.csv", PARTNERS))
    assert (first.created, first.updated, first.bad) == (2, 0, [])
    changed = PARTNERS.replace("dealer,gold", "distributor,premium")
    second = importer.import_partners(rt, _write(tmp_path, "p2.csv", changed))
    assert (second.created, second.updated) == (0, 2)
    with rt.db.read() as s:
        sued = s.exec(select(Organization).where(Organization.external_id == "P-1")).one()
        contacts = s.exec(select(Contact).where(Contact.organization_id == sued.id)).all()
    assert (sued.kind, sued.level, sued.expertise) == (
        "distributor",
        "premium",
        ["heat pumps", "ventilation"],
    )
    assert sued.lat is not None
    assert [(c.email, c.language) for c in contacts] == [("jana@sued.example", "de")]


def test_leads_and_kpis_export_as_csv_without_formula_injection(rt: Runtime, world: World) -> None:
    world.partner("Stuttgart")
    world.offered_lead(customer_company="=HYPERLINK(1)", external_id="x-1")
    with rt.db.read() as s:
        rows = list(csv.DictReader(io.StringIO("".join(exporter.lead_csv(s, OPERATOR)))))
        chunks = exporter.kpi_csv(s, OPERATOR, rt.clock.now())
        kpis = list(csv.DictReader(io.StringIO("".join(chunks))))
    assert [r["external_id"] for r in rows] == ["x-1"]
    assert rows[0]["customer_company"] == "'=HYPERLINK(1)" and rows[0]["state"] == "offered"
    assert kpis[0]["offered"] == "1" and kpis[0]["picked"] == "0"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_url: str) -> str:
    for name, value in {
        "MAILFLOW_DATA_DIR": str(tmp_path),
        "MAILFLOW_DATABASE_URL": sqlite_url,
        "MAILFLOW_SECRET_KEYS": "cli-test-secret-0123456789abcdef",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MAILFLOW_REDIS_URL", raising=False)
    return sqlite_url


def test_the_command_line_imports_with_a_progress_bar_and_exports(
    cli_env: str, tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "leads.csv"
    write_csv(path, 50, bad_every=25)
    assert cli.main(["import", "leads", str(path), "--dry-run"]) == 1
    out, err = capsys.readouterr()
    assert f"{path}:26: customer_email" in err and f"{path}:51: customer_email" in err
    assert '"bad": 2' in out and '"created": 0' in out
    assert cli.main(["import", "leads", str(path)]) == 1  # the two bad rows are reported
    out, err = capsys.readouterr()
    assert "leads [" in err and "100%" in err and '"created": 48' in out
    target = tmp_path / "out.csv"
    assert cli.main(["export", "leads", str(target)]) == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,external_id,state") and len(lines) == 49


def test_the_import_bench_runs_and_reports_its_figures(rt: Runtime) -> None:
    from bench.csv_import import run

    figures = run(rt.settings, quick=True)
    assert figures["created"] == figures["rows"] == 2_000
    assert figures["reimport_unchanged"] == 2_000
    assert {"import_s", "import_rows_per_s", "row_by_row_rows_per_s", "speedup"} <= set(figures)


def test_lead_ids_from_a_bulk_import_follow_existing_ones(
    rt: Runtime, world: World, tmp_path: Path
) -> None:
    before = world.lead(external_id="api-1")
    path = tmp_path / "l.csv"
    write_csv(path, 5)
    importer.import_leads(rt, path)
    after = world.lead(external_id="api-2")
    with rt.db.read() as s:
        ids = list(s.exec(select(Lead.id).order_by(col(Lead.id))))
    assert len(ids) == 7 and ids[0] == before.id and ids[-1] == after.id


def test_a_reimport_completes_a_lead_that_was_missing_fields_and_qualifies_it(
    rt: Runtime, world: World, queue: JobQueue, tmp_path: Path
) -> None:
    world.partner("Stuttgart")
    head = "external_id,customer_email,country,city,requirement\n"
    first = _write(tmp_path, "a.csv", head + "c-1,a@example.com,DE,Stuttgart,\n")
    assert importer.import_leads(rt, first).created == 1
    with rt.db.read() as s:
        assert s.exec(select(Lead.state)).one() == "new"
    fixed = _write(tmp_path, "b.csv", head + "c-1,,,,New heating\n")
    report = importer.import_leads(rt, fixed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    queue.drain()
    with rt.db.read() as s:
        lead = s.exec(select(Lead)).one()
        kinds = list(s.exec(select(Event.kind).where(Event.lead_id == lead.id)))
    assert (lead.requirement, lead.customer_email, lead.state) == (
        "New heating",
        "a@example.com",
        "offered",
    )
    assert "lead.updated" in kinds and "lead.qualified" in kinds
    again = importer.import_leads(rt, fixed)
    assert (again.updated, again.unchanged) == (0, 1)
