"""Console dashboard forms: the report schedule, and converting points only for partners
in the viewer's scope."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import select

from mailflow.actions import ledger
from mailflow.models import Contact, Event, PointsEntry, ReportSubscription
from mailflow.runtime import Runtime
from tests.hierarchy import PASSWORD, Hierarchy, build


def _login(client: Any, h: Hierarchy, who: str) -> str:
    page = client.get("/console/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = {"email": h.email(who), "password": PASSWORD, "csrf": csrf}
    assert client.post("/console/login", data=data).status_code == 302
    page = client.get("/console/dashboard").get_data(as_text=True)  # a new session, a new token
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def test_a_user_sets_the_day_and_hour_of_the_weekly_report(client: Any, rt: Runtime) -> None:
    h = build(rt)
    csrf = _login(client, h, "a1")
    form = {"weekday": "2", "hour": "8", "subscribed": "off", "csrf": csrf}
    assert client.post("/console/dashboard/schedule", data=form).status_code == 302
    bad = {"weekday": "9", "hour": "8", "subscribed": "on", "csrf": csrf}
    assert client.post("/console/dashboard/schedule", data=bad).status_code == 422
    with rt.db.read() as s:
        sub = s.get(ReportSubscription, h.contacts["a1"])
        assert s.exec(select(Event).where(Event.kind == "report.scheduled")).one()
    assert sub is not None and (sub.weekday, sub.hour, sub.opted_out) == (2, 8, True)


def test_a_partner_manager_converts_points_only_for_own_partners(client: Any, rt: Runtime) -> None:
    h = build(rt)
    with rt.db.transaction() as s:
        for org in ("A1", "B"):
            s.add(
                PointsEntry(organization_id=h.orgs[org], kind="pick", points=100, at=rt.clock.now())
            )
    csrf = _login(client, h, "pm1")
    board = client.get("/console/points").get_data(as_text=True)
    assert ">A1<" in board and ">B<" not in board
    other = {"organization_id": str(h.orgs["B"]), "points": "10", "csrf": csrf}
    assert client.post("/console/points/convert", data=other).status_code == 404
    own = {"organization_id": str(h.orgs["A1"]), "points": "40", "csrf": csrf}
    assert client.post("/console/points/convert", data=own).status_code == 302
    with rt.db.read() as s:
        assert ledger.balance(s, h.orgs["A1"]) == 60
        assert ledger.balance(s, h.orgs["B"]) == 100


@pytest.mark.parametrize(
    ("lang", "currency", "rate"),
    [("de", "CHF", "0,50\u00a0CHF"), ("en", "GBP", "£0.50"), ("pl", "PLN", "0,50\u00a0zł")],
)
def test_the_points_page_writes_the_mdf_rate_in_the_budgets_currency_and_readers_format(
    client: Any, rt: Runtime, lang: str, currency: str, rate: str
) -> None:
    rt.settings = rt.settings.with_(points_mdf_currency=currency)
    h = build(rt)
    with rt.db.transaction() as s:
        contact = s.get(Contact, h.contacts["pm1"])
        assert contact is not None
        contact.language = lang
    _login(client, h, "pm1")
    page = client.get("/console/points").get_data(as_text=True)
    assert rate in page and "€" not in page


def test_a_rep_cannot_convert_points(client: Any, rt: Runtime) -> None:
    h = build(rt)
    csrf = _login(client, h, "r1")
    form = {"organization_id": str(h.orgs["A1"]), "points": "1", "csrf": csrf}
    assert client.post("/console/points/convert", data=form).status_code == 403
