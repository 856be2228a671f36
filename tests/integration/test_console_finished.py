"""The console in the reader's language and time zone, the lead list's search, the lead
page's story and actions, and the dashboard's current week."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.leads.feedback import feedback
from mailflow.actions.leads.pick import pick
from mailflow.models import Contact, Event, Lead
from mailflow.models.schemas import FeedbackIn
from mailflow.queries import history
from mailflow.runtime import Runtime
from tests.factories import World
from tests.integration.test_console import _csrf, _login, _user

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T|\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def _speaks(rt: Runtime, lang: str, tz: str = "Europe/Berlin") -> None:
    with rt.db.transaction() as s:
        user = s.exec(select(Contact).where(Contact.email == "ops@nordwind.test")).one()
        user.language, user.timezone = lang, tz


def _shown(page: str) -> str:
    """The text a reader sees (no tags, no attributes)."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def _post(client: Any, path: str, page: str, **form: Any) -> Any:
    return client.post(path, data={"csrf": _csrf(client, page), **form})


def test_the_console_speaks_the_users_language_with_local_labelled_times(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)
    world.partner("Stuttgart")
    lead, _ = world.offered_lead()
    _speaks(rt, "de", "America/New_York")
    assert _login(client).status_code == 302
    page = client.get(f"/console/leads/{lead.id}").get_data(as_text=True)
    assert 'lang="de"' in page and "Abmelden" in page and "Log out" not in page
    assert "Verlauf" in page and "Audit trail" not in page
    shown = _shown(page)
    assert "Lead eingegangen" in shown and "Lead Partnern angeboten" in shown
    assert [kind for kind in history.PHRASES if kind in shown] == []
    assert "Quelle Schnittstelle (API)" in shown  # the source's label, not "api"
    assert "America/New_York" in page and not ISO.search(page)
    assert re.search(r"\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} (EST|EDT|UTC-[45])", page)
    _speaks(rt, "fr")
    assert "Se déconnecter" in client.get("/console/").get_data(as_text=True)


def test_the_lead_list_shows_customer_value_and_finds_by_search(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)
    world.partner("Stuttgart")
    lead, _ = world.offered_lead()
    other = world.lead(city="Hamburg", postal_code="20095")
    _speaks(rt, "de")
    assert _login(client).status_code == 302
    with rt.db.read() as s:
        row = s.get(Lead, lead.id)
        assert row is not None and row.customer_name
        name, value = row.customer_name, row.value
    found = client.get("/console/", query_string={"q": name}).get_data(as_text=True)
    assert f"/console/leads/{lead.id}" in found and f'/console/leads/{other.id}"' not in found
    if value is not None:
        assert "\u00a0€" in found  # "18.000,00 €": Babel, German
    hamburg = client.get("/console/", query_string={"q": "hamburg"}).get_data(as_text=True)
    assert f"/console/leads/{other.id}" in hamburg and f'/console/leads/{lead.id}"' not in hamburg


def test_the_lead_page_edits_notes_reassigns_and_withdraws_through_audited_actions(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)
    first = world.partner("Stuttgart", name="Kälte Klein")
    second = world.partner("Ulm", name="Wärme Weit")
    lead, _ = world.offered_lead()
    assert _login(client).status_code == 302
    page = f"/console/leads/{lead.id}"
    _post(client, f"{page}/edit", page, product_line="Heat pump 16 kW", value="21000",
          currency="EUR", requirement="A bigger house", remarks="Call after 5",
          temperature="hot")  # fmt: skip
    _post(client, f"{page}/note", page, text="Customer called back")
    answer = _post(client, f"{page}/reassign", page, organization_id=str(second.id))
    assert answer.status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert "Heat pump 16 kW" in shown and "€21,000.00" in shown and "Call after 5" in shown
    assert "Customer called back" in shown and "Lead reassigned." in shown
    assert "contact:" not in shown and "console:" not in shown and ">Ops<" in shown
    with rt.db.read() as s:
        row = s.get(Lead, lead.id)
        assert row is not None and row.owner_id == second.id and row.temperature == "hot"
        kinds = [e.kind for e in s.exec(select(Event).where(Event.lead_id == lead.id))]
    assert {"lead.edited", "lead.note_added", "lead.assigned"} <= set(kinds)
    assert first.id != second.id
    answer = _post(client, f"{page}/reassign", page, organization_id=str(first.id))
    with rt.db.read() as s:
        row = s.get(Lead, lead.id)
        assert row is not None and row.owner_id == first.id  # an owned lead changes owner
        assert "lead.reassigned" in [
            e.kind for e in s.exec(select(Event).where(Event.lead_id == lead.id))
        ]
    other = world.lead()
    _post(client, f"/console/leads/{other.id}/withdraw", f"/console/leads/{other.id}",
          reason="duplicate")  # fmt: skip
    with rt.db.read() as s:
        withdrawn = s.get(Lead, other.id)
        assert withdrawn is not None and withdrawn.state == "withdrawn"


def test_the_dashboard_opens_on_the_current_week_with_links_either_way(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)
    world.partner("Stuttgart")
    world.offered_lead()
    assert _login(client).status_code == 302
    page = client.get("/console/dashboard").get_data(as_text=True)
    year, week, _ = rt.clock.now().isocalendar()
    assert f"Week {year}-W{week:02d}" in page and "This week so far" in page
    assert 'rel="prev"' in page and 'rel="next"' not in page and "Last week" not in page
    before = re.search(r'href="([^"]+)" rel="prev"', page)
    assert before
    earlier = client.get(before.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert 'rel="next"' in earlier and "This week so far" not in earlier


def test_the_dashboard_writes_money_with_its_currency_in_the_readers_format(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)
    world.partner("Stuttgart")
    _, offers = world.offered_lead(currency="EUR")
    contact = world.contacts(offers[0].organization_id)[0].id
    assert offers[0].id is not None and contact is not None
    with unit(rt, f"contact:{contact}", "web") as ctx:
        pick(ctx, offers[0].id, contact)
    with unit(rt, f"contact:{contact}", "web") as ctx:
        feedback(ctx, offers[0].id, contact, FeedbackIn(stage="won", amount="12500"))
    _speaks(rt, "de")
    assert _login(client).status_code == 302
    shown = _shown(client.get("/console/dashboard").get_data(as_text=True))
    assert "Gewonnener Wert 12.500,00 €" in shown  # Babel's German, in the leads' currency
