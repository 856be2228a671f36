"""Every role sees its own slice and nothing of anyone else's: the console lead list and
details, the CSV exports, the dashboard's partner table, the weekly report's content and
the JSON API — all scoped by mailflow.queries.visibility."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from mailflow.actions.console import apikeys
from mailflow.models import Contact
from mailflow.queries import reports
from mailflow.runtime import Runtime
from tests.hierarchy import EXPECTED, PASSWORD, UNOWNED, Hierarchy, build

PARTNER_ROWS = {
    "admin": {"A1", "A2", "B", "G"},
    "pm1": {"A1", "A2"},
    "pm2": {"B", "G"},
    "d1": {"A1", "A2"},
    "a1": {"A1"},
    "a2": {"A2"},
    "r1": set(),
    "r2": set(),
    "b": {"B"},
    "g": {"G"},
}


REPS = {"d1": {"R1", "R2", "A2"}, "a1": {"R1", "R2"}, "a2": {"A2"}, "b": {"B"}, "g": {"G"}}
SUBTREES = {"D1": {"D1", "A1", "A2"}, "A1": {"A1"}, "B": {"B"}, "G": {"G"}}


def _org_name(h: Hierarchy, org_id: int) -> str:
    return next(k for k, v in h.orgs.items() if v == org_id)


def _login(client: Any, email: str) -> Any:
    page = client.get("/console/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    return client.post("/console/login", data={"email": email, "password": PASSWORD, "csrf": csrf})


def _names(h: Hierarchy, ids: set[int]) -> set[str]:
    by_id = {v: k for k, v in h.leads.items()}
    return {by_id[i] for i in ids}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_console_role_sees_only_its_own_leads(role: str, app: Any, rt: Runtime) -> None:
    h = build(rt)
    client = app.test_client()
    assert _login(client, h.email(role)).status_code == 302
    expected = EXPECTED[role]

    listing = client.get("/console/").get_data(as_text=True)
    listed = {int(i) for i in re.findall(r'/console/leads/(\d+)"', listing)}
    assert _names(h, listed) == expected

    for name, lead_id in h.leads.items():
        answer = client.get(f"/console/leads/{lead_id}")
        assert answer.status_code == (200 if name in expected else 404), name

    # the console's CSV starts with a byte order mark, for Excel
    leads_csv = client.get("/console/leads.csv").get_data().decode("utf-8-sig")
    exported = csv.DictReader(io.StringIO(leads_csv))
    assert _names(h, {int(r["id"]) for r in exported}) == expected

    week = "{}-W{:02d}".format(*(rt.clock.now() - timedelta(days=9)).isocalendar()[:2])
    kpis = client.get(f"/console/dashboard.csv?week={week}").get_data().decode("utf-8-sig")
    assert {r["name"] for r in csv.DictReader(io.StringIO(kpis))} == PARTNER_ROWS[role]
    assert client.get("/console/dashboard").status_code == 200


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_roles_weekly_report_shows_only_its_own_slice(role: str, rt: Runtime) -> None:
    h = build(rt)
    now = rt.clock.now()
    with rt.db.read() as s:
        contact = s.get(Contact, h.contacts[role])
        assert contact is not None
        week = reports.last_week(now - timedelta(days=2), reports.zone(contact.timezone))
        view = reports.view(s, rt, contact, week)
    assert _names(h, {a["id"] for a in view["actions"]}) == EXPECTED[role] - UNOWNED
    assert {p["name"] for p in view["partners"]} <= PARTNER_ROWS[role]
    assert {r["name"] for r in view["reps"]} <= REPS.get(role, set())
    owned = len(EXPECTED[role] - UNOWNED)
    assert sum(b["count"] for b in view["pipeline"]) == owned


def test_a_partner_without_a_console_role_cannot_log_in(app: Any, rt: Runtime) -> None:
    h = build(rt)
    assert _login(app.test_client(), h.email("bsales")).status_code == 401


@pytest.mark.parametrize(
    ("org", "expected"),
    [
        ("Nordwind", EXPECTED["admin"]),
        ("D1", {"A1r1", "A1r2", "A2"}),
        ("A1", {"A1r1", "A1r2"}),
        ("B", {"B", "Boffer"}),
        ("G", {"G"}),
    ],
)
def test_an_api_key_reads_only_its_own_subtrees_leads(
    org: str, expected: set[str], client: Any, rt: Runtime
) -> None:
    h = build(rt)
    key = apikeys.new_key()
    with rt.db.transaction() as s:
        apikeys.store(s, h.orgs[org], key, "test", rt.clock.now())
    seen = set()
    for name, lead_id in h.leads.items():
        answer = client.get(f"/api/v1/leads/{lead_id}", headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code in (200, 404)
        if answer.status_code == 200:
            seen.add(name)
            body = answer.get_json()
            assert (body.get("customer_email") is not None) == (
                org == "Nordwind" or name not in UNOWNED
            )
            offered_to = {_org_name(h, o["organization"]["id"]) for o in body["offers"]}
            assert org == "Nordwind" or offered_to <= SUBTREES[org]
    assert seen == expected


def test_the_sales_contact_sees_nothing_even_through_the_visibility_module(rt: Runtime) -> None:
    from mailflow.models import Lead
    from mailflow.queries import visibility

    h = build(rt)
    with rt.db.read() as s:
        contact = s.get(Contact, h.contacts["bsales"])
        assert contact is not None
        viewer = visibility.for_contact(s, contact)
        assert s.exec(select(Lead).where(visibility.leads(viewer))).all() == []
