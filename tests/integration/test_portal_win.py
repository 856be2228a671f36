"""The partner's own page: until when each offer is open and to how many it went, a win
asked with its amount, a notice after every one-tap status, and a pick page to act from."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import select

from mailflow.models import Feedback
from mailflow.runtime import Runtime
from tests.factories import LEAD_DEFAULTS, World


def _links(rt: Runtime, world: World) -> tuple[Any, dict[str, str]]:
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city, language="de")
    lead, offers = world.offered_lead(value="18500", currency="EUR")
    contact = world.contacts(offers[0].organization_id)[0]
    links = {
        a: rt.link(offers[0].id, contact.id, a).removeprefix(rt.settings.base_url)  # type: ignore[arg-type]
        for a in ("pick", "feedback", "portal")
    }
    return lead, links


def test_open_offers_say_until_when_and_to_how_many(client: Any, rt: Runtime, world: World) -> None:
    lead, links = _links(rt, world)
    page = client.get(links["portal"]).get_data(as_text=True)
    shown = re.search(r'data-testid="open-until">([^<]+)<', page)
    assert shown, page
    text = shown.group(1)
    assert text.startswith("Offen bis ") and "an 3 Partner angeboten" in text
    expires = world.offers(lead.id)[0].expires_at  # type: ignore[arg-type]
    assert expires is not None
    assert ("MEZ" in text or "MESZ" in text) and expires.strftime("%Y") in text


def test_a_win_asks_the_amount_and_every_one_tap_status_says_it_was_saved(
    client: Any, rt: Runtime, world: World
) -> None:
    lead, links = _links(rt, world)
    picked = client.post(links["pick"]).get_data(as_text=True)
    assert f'href="tel:{LEAD_DEFAULTS["customer_phone"].replace(" ", "")}"' in picked
    assert f'href="mailto:{LEAD_DEFAULTS["customer_email"]}"' in picked
    assert 'data-action="portal"' in picked and "Meine Leads" in picked
    page = client.get(links["portal"]).get_data(as_text=True)
    assert 'data-stage="won"' in page and 'data-action="confirm-win"' in page
    assert re.search(r'name="amount"[^>]*value="18500', page)  # prefilled with the estimate
    assert not re.search(r'<button[^>]*data-stage="won"', page)  # no one-tap win
    token = links["portal"].rsplit("/", 1)[1]
    moved = client.post(links["feedback"], data={"stage": "contacted", "back": token})
    assert moved.status_code == 303 and "done=contacted" in moved.headers["Location"]
    notice = client.get(moved.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="portal-done"' in notice and f"#{lead.id}" in notice
    won = client.post(
        links["feedback"],
        data={"stage": "won", "amount": "17.900,00", "currency": "EUR", "back": token},
    )
    assert won.status_code == 303 and world.reload(lead).state == "won"
    with rt.db.read() as s:
        report = s.exec(select(Feedback).where(Feedback.stage == "won")).one()
    assert str(report.amount) == "17900.00"
