"""The console's Brand page: ops set the manufacturer's brand, preview a draft (never
saved), save it as an audited change, and the next email wears it; the demo seeds one."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from mailflow.cli.seed import seed_world
from mailflow.mail import kinds
from mailflow.models import Brand, Event
from mailflow.runtime import Runtime
from tests.factories import World
from tests.integration.test_console import _csrf, _login, _user
from tests.integration.test_console_finished import _speaks

FORM = {
    "name": "Nordwind",
    "sender_name": "Nordwind Partnerportal",
    "logo_url": "",
    "color": "#c0392b",
    "background": "#f4f1ee",
    "footer": "",
    "imprint": "Nordwind GmbH\nHRB 4711",
}


def test_ops_preview_and_save_the_brand(client: Any, rt: Runtime, world: World) -> None:
    _user(rt, world)
    _login(client)
    page = client.get("/console/brand/")
    assert page.status_code == 200 and "frame-src 'self'" in page.headers["Content-Security-Policy"]
    csrf = _csrf(client, "/console/brand/")
    draft = client.post(
        "/console/brand/preview", data={**FORM, "csrf": csrf, "kind": "offer", "lang": "de"}
    )
    html = draft.get_data(as_text=True)
    assert draft.status_code == 200 and "#c0392b" in html and "HRB 4711" in html
    assert (
        "Lead übernehmen" in html
        and "frame-ancestors 'self'" in draft.headers["Content-Security-Policy"]
    )
    with rt.db.read() as s:
        assert s.exec(select(Brand)).first() is None  # a preview saves nothing
    bad = client.post("/console/brand/", data={**FORM, "color": "red", "csrf": csrf})
    assert bad.status_code == 422 and "color" in bad.get_data(as_text=True)
    saved = client.post("/console/brand/", data={**FORM, "csrf": csrf})
    assert saved.status_code == 302
    with rt.db.read() as s:
        brand = s.exec(select(Brand)).one()
        events = [e.kind for e in s.exec(select(Event))]
    assert brand.color == "#c0392b" and brand.sender_name == "Nordwind Partnerportal"
    assert "brand.created" in events
    assert rt.brand(world.manufacturer())["color"] == "#c0392b"


def test_partners_cannot_open_the_brand_page(client: Any, rt: Runtime, world: World) -> None:
    _user(rt, world, role="manager", email="boss@dealer.test")
    _login(client, email="boss@dealer.test")
    assert client.get("/console/brand/").status_code == 403


def test_the_demo_world_has_a_brand(rt: Runtime) -> None:
    with rt.db.transaction() as s:
        seed_world(s, rt.clock.now())
    with rt.db.read() as s:
        brand = s.exec(select(Brand)).one()
    assert brand.name == "Nordwind" and brand.imprint and "HRB" in brand.imprint


def test_the_preview_choice_names_each_email_in_the_readers_language(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)
    _speaks(rt, "de")
    _login(client)
    page = client.get("/console/brand/").get_data(as_text=True)
    assert '<option value="offer">Angebot eines Leads</option>' in page
    assert '<option value="weekly_report">Wochenbericht</option>' in page


def test_every_email_kind_has_a_name() -> None:
    assert sorted(kinds.NAMES) == sorted(kinds.KINDS)
