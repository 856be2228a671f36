"""Signed-link dialogs through the Flask app: GET shows, POST acts, stale links explain."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import select

from mailflow.links.signer import Signer
from mailflow.models import Event, Lead
from mailflow.runtime import Runtime
from tests.factories import LEAD_DEFAULTS, World

PII = [
    LEAD_DEFAULTS[k]
    for k in ("customer_name", "customer_email", "customer_phone", "customer_street")
]


def _setup(rt: Runtime, world: World) -> tuple[Lead, list[dict[str, Any]]]:
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city, language="de" if city == "Ulm" else "en")
    lead, offers = world.offered_lead()
    links = []
    for offer in offers:
        contact = world.contacts(offer.organization_id)[0]
        links.append(
            {
                a: rt.link(offer.id, contact.id, a).removeprefix(rt.settings.base_url)  # type: ignore[arg-type]
                for a in ("pick", "decline", "feedback", "portal")
            }
        )
    return lead, links


def _event_count(rt: Runtime) -> int:
    with rt.db.read() as s:
        return len(s.exec(select(Event)).all())


def test_get_and_head_show_the_dialog_and_change_nothing(
    client: Any, rt: Runtime, world: World
) -> None:
    lead, links = _setup(rt, world)
    before = _event_count(rt)
    page = client.get(links[0]["pick"])
    assert page.status_code == 200
    assert b'method="post"' in page.data and b'data-action="pick"' in page.data
    assert client.head(links[0]["pick"]).status_code == 200
    assert client.get(links[0]["decline"]).status_code == 200
    assert _event_count(rt) == before and world.reload(lead).state == "offered"
    assert not any(p.encode() in page.data for p in PII)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


def test_the_pick_dialog_speaks_the_contacts_language(
    client: Any, rt: Runtime, world: World
) -> None:
    _lead, links = _setup(rt, world)
    pages = [client.get(link["pick"]).get_data(as_text=True) for link in links]
    assert sum("Lead übernehmen" in p for p in pages) == 1
    assert sum("Pick this lead" in p for p in pages) == 2


def test_post_picks_and_shows_the_details_and_the_loser_gets_409(
    client: Any, rt: Runtime, world: World
) -> None:
    lead, links = _setup(rt, world)
    won = client.post(links[0]["pick"])
    assert won.status_code == 200
    assert all(p.encode() in won.data for p in PII[:2])
    lost = client.post(links[1]["pick"])
    assert lost.status_code == 409
    assert not any(p.encode() in lost.data for p in PII)
    assert world.reload(lead).state == "picked"
    assert client.get(links[2]["pick"]).status_code == 409  # the stale link explains itself


def test_decline_with_a_reason(client: Any, rt: Runtime, world: World) -> None:
    lead, links = _setup(rt, world)
    assert client.post(links[0]["decline"], data={"reason": "no capacity"}).status_code == 200
    offers = world.offers(lead.id)  # type: ignore[arg-type]
    assert (offers[0].state, offers[0].reason) == ("declined", "no capacity")


def test_feedback_dialog_records_won_with_amount(client: Any, rt: Runtime, world: World) -> None:
    lead, links = _setup(rt, world)
    client.post(links[0]["pick"])
    form = client.get(links[0]["feedback"])
    assert form.status_code == 200 and b'name="stage"' in form.data
    bad = client.post(links[0]["feedback"], data={"stage": "won", "amount": "lots"})
    assert bad.status_code == 422 and world.reload(lead).state == "picked"
    done = client.post(
        links[0]["feedback"], data={"stage": "won", "amount": "12.500,00", "currency": "EUR"}
    )
    assert done.status_code == 200
    assert world.reload(lead).state == "won"


def test_a_non_owner_cannot_open_the_feedback_dialog(
    client: Any, rt: Runtime, world: World
) -> None:
    _lead, links = _setup(rt, world)
    assert client.get(links[1]["feedback"]).status_code == 403
    assert client.post(links[1]["feedback"], data={"stage": "won"}).status_code == 403


def test_it_rejects_a_tampered_link_with_a_friendly_page(
    client: Any, rt: Runtime, world: World
) -> None:
    _lead, links = _setup(rt, world)
    token = links[0]["pick"]
    for bad in (token[:-2] + "xx", token[: len(token) // 2], "/a/nonsense"):
        page = client.get(bad)
        assert page.status_code == 404
        assert b"This link is not valid" in page.data
        assert client.post(bad).status_code == 404


def test_it_rejects_an_expired_link(client: Any, rt: Runtime, world: World) -> None:
    _lead, links = _setup(rt, world)
    rt.signer = Signer(rt.settings.secret_keys, max_age_s=-1)  # every token is now too old
    page = client.get(links[0]["pick"])
    assert page.status_code == 410 and b"expired" in page.data


def test_cross_site_posts_are_refused(client: Any, rt: Runtime, world: World) -> None:
    lead, links = _setup(rt, world)
    assert (
        client.post(links[0]["pick"], headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    )
    assert world.reload(lead).state == "offered"


def test_the_portal_lists_the_contacts_open_offers(client: Any, rt: Runtime, world: World) -> None:
    _lead, links = _setup(rt, world)
    page = client.get(links[0]["portal"])
    assert page.status_code == 200
    assert len(re.findall(rb'data-action="pick"', page.data)) == 1
