"""Attacks on the CSV downloads: a lead, partner or customer name that a spreadsheet would
run as a formula (``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(1)``, ``-2+3``) comes out as
text in every download.

The downloads are found in the app's url_map (every rule ending in ``.csv``) and by
asking every other GET route for its content type, so a new download that bypasses the
one CSV writer fails here."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from mailflow.actions import unit
from mailflow.actions.leads.pick import pick
from mailflow.clock import Clock
from mailflow.csvio import exporter
from mailflow.runtime import Runtime
from tests.factories import World

PAYLOADS = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"]
# Spreadsheets also start a formula after blanks or quotes, and read full-width signs.
VARIANTS = [" =1+1", '"=1+1', "\t=1+1", "\r=1+1", "＝1+1", "＋1", "－1", "＠SUM(1)"]
TRIGGERS = tuple("=+-@\t\r\n＝＋－＠")


def _dangerous(cell: str) -> bool:
    """Whether a spreadsheet would evaluate the cell: a defused one starts with ``'``."""
    return cell.lstrip(" \"'").startswith(TRIGGERS) and not cell.startswith("'")


@pytest.fixture
def formulas(rt: Runtime, clock: Clock, world: World, console_users: dict[str, str]) -> None:
    """Partners named like formulas pick leads whose customer, company, campaign and city
    are formulas too; a week later, so the dashboard's "last week" shows them."""
    clock.set(datetime(2026, 3, 4, 12, tzinfo=UTC))  # a Wednesday
    for i, payload in enumerate(PAYLOADS + VARIANTS):
        partner = world.partner("Stuttgart", name=f"{payload} {i}" if i else payload)
        _lead, offers = world.offered_lead(
            customer_name=payload, customer_company=payload, campaign=payload, city=payload
        )
        mine = next(o for o in offers if o.organization_id == partner.id)
        with unit(rt, "test", "web") as ctx:
            pick(ctx, mine.id, world.contacts(partner.id)[0].id)  # type: ignore[arg-type]
    clock.advance(days=7)


def _csv_routes(app: Any) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.endswith(".csv") or "GET" not in (rule.methods or ()):
            continue
        if "<what>" in rule.rule:  # one route, one file per export
            paths += [rule.rule.replace("<what>", what) for what in exporter.EXPORTS]
        else:
            paths.append(rule.rule)
    return sorted(paths)


def _download(client: Any, path: str) -> list[list[str]]:
    answer = client.get(path)
    text = answer.get_data(as_text=True)
    answer.close()
    assert answer.status_code == 200, path
    assert answer.mimetype == "text/csv", path
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.usefixtures("formulas")
def test_no_csv_download_writes_a_formula(
    app: Any, client: Any, login: Callable[[Any, str], str]
) -> None:
    login(client, "admin")
    paths = _csv_routes(app)
    assert {"/console/leads.csv", "/console/dashboard.csv"} <= set(paths)
    assert {"/console/export/leads.csv", "/console/export/kpis.csv"} <= set(paths)
    for path in paths:
        cells = [cell for row in _download(client, path)[1:] for cell in row]
        assert [c for c in cells if _dangerous(c)] == [], path
        defused = {c for c in cells if c.startswith("'")}
        assert any(c.startswith(("'=", "'+", "'@", "'-")) for c in defused), path


def test_no_other_get_route_answers_with_csv(
    app: Any, client: Any, login: Callable[[Any, str], str]
) -> None:
    """A CSV download whose path does not end in ``.csv`` would escape the test above."""
    login(client, "admin")
    known = set(_csv_routes(app))
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.arguments:
            continue
        answer = client.get(rule.rule)
        answer.close()  # a streamed download ends with its request
        assert answer.mimetype != "text/csv" or rule.rule in known, rule.rule


@pytest.mark.parametrize("payload", PAYLOADS + VARIANTS)
def test_a_formula_is_written_as_text(payload: str) -> None:
    written = "".join(exporter.csv_lines(("name",), iter([{"name": payload}])))
    cell = next(csv.reader(io.StringIO(written.split("\r\n", 1)[1])))[0]
    assert cell == "'" + payload


def test_numbers_stay_numbers() -> None:
    rows = iter([{"a": -2, "b": Decimal("-18000.50"), "c": -0.25, "d": "Stuttgart", "e": None}])
    written = "".join(exporter.csv_lines(("a", "b", "c", "d", "e"), rows))
    assert written.splitlines()[1] == "-2,-18000.50,-0.25,Stuttgart,"
