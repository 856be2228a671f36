"""A partner manager's override: offer to chosen partners, or assign to one; console
and API; and the explanation the matcher gives for a lead."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import select

from mailflow.models import Event, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World
from tests.integration.test_console import _login, _user


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_the_api_offers_a_lead_to_chosen_partners(client: Any, world: World) -> None:
    a, b = world.partner("Stuttgart"), world.partner("Hamburg")
    world.partner("Ulm")
    lead = world.lead()
    key = world.api_key()
    response = client.post(f"/api/v1/leads/{lead.id}/offer", headers=_auth(key),
                           json={"organization_ids": [b.id, a.id]})  # fmt: skip
    assert response.status_code == 201
    assert sorted(o["organization_id"] for o in response.get_json()["offers"]) == sorted(
        [a.id, b.id]
    )
    assert world.reload(lead).state == "offered"
    again = client.post(f"/api/v1/leads/{lead.id}/offer", headers=_auth(key),
                        json={"organization_ids": [a.id]})  # fmt: skip
    assert again.status_code == 409


def test_the_api_assigns_a_lead_exclusively(rt: Runtime, client: Any, world: World) -> None:
    world.partner("Stuttgart")
    chosen = world.partner("Hamburg")
    lead, offers = world.offered_lead()
    key = world.api_key()
    response = client.post(f"/api/v1/leads/{lead.id}/assign", headers=_auth(key),
                           json={"organization_id": chosen.id})  # fmt: skip
    assert response.status_code == 200 and response.get_json()["owner_id"] == chosen.id
    fresh = world.reload(lead)
    assert fresh.state == "picked" and fresh.owner_id == chosen.id
    states = {o.organization_id: o.state for o in world.offers(lead.id)}  # type: ignore[arg-type]
    assert states[chosen.id] == "picked"  # type: ignore[index]
    assert all(s == "withdrawn" for org, s in states.items() if org != chosen.id)
    with rt.db.read() as s:
        kinds = [e.kind for e in s.exec(select(OutboundEmail).where(
            OutboundEmail.lead_id == lead.id, OutboundEmail.offer_id != offers[0].id))]  # fmt: skip
        assigned = s.exec(select(Event).where(Event.kind == "lead.assigned")).one()
    assert "details" in kinds
    assert assigned.organization_id == chosen.id and assigned.channel == "api"


def test_the_override_api_refuses_partner_keys_bad_bodies_and_non_partners(
    client: Any, world: World
) -> None:
    partner = world.partner("Stuttgart")
    lead = world.lead()
    partner_key = world.api_key(partner.id)
    key = world.api_key()
    url = f"/api/v1/leads/{lead.id}/offer"
    assert client.post(url, json={"organization_ids": [partner.id]}).status_code == 401
    assert client.post(url, headers=_auth(partner_key),
                       json={"organization_ids": [partner.id]}).status_code == 403  # fmt: skip
    assert client.post(url, headers=_auth(key), json={"organization_ids": "x"}).status_code == 422
    manufacturer = world.manufacturer()
    refused = client.post(url, headers=_auth(key), json={"organization_ids": [manufacturer]})
    assert refused.status_code == 409 and "not an active partner" in refused.get_json()["detail"]
    missing = client.post(url, headers=_auth(key), json={"organization_ids": [9999]})
    assert missing.status_code == 404


def test_the_api_explains_the_matching(client: Any, world: World) -> None:
    near = world.partner("Stuttgart", product_lines=["Heat pump"])
    away = world.partner("Ulm")
    assert away.id is not None
    world.pause(away.id, world.rt.clock.now().replace(year=2099))
    lead = world.lead()
    body = client.get(f"/api/v1/leads/{lead.id}/matching", headers=_auth(world.api_key()))
    data = body.get_json()
    assert data["ring"] == [near.id]
    assert data["candidates"][0]["criteria"]["expertise"]["note"] == "sells Heat pump"
    reason = "offers paused"
    (excluded,) = data["excluded"]  # the fields the contract has always had, as they were
    assert {k: excluded[k] for k in ("organization_id", "name", "reason")} == {
        "organization_id": away.id, "name": away.name, "reason": reason,
    }  # fmt: skip
    assert excluded["code"] == "away" and data["excluded_counts"] == {"away": 1}
    assert data["language"] == "en" and excluded["message"] == "offers paused"


def test_the_api_explains_the_matching_in_the_callers_language(client: Any, world: World) -> None:
    world.partner("Stuttgart", product_lines=["Heat pump"])
    away = world.partner("Ulm")
    assert away.id is not None
    world.pause(away.id, world.rt.clock.now().replace(year=2099))
    lead = world.lead()
    headers = {**_auth(world.api_key()), "Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
    data = client.get(f"/api/v1/leads/{lead.id}/matching", headers=headers).get_json()
    assert data["language"] == "de"
    (excluded,) = data["excluded"]
    assert excluded["reason"] == "offers paused"  # the machine's text stays English
    assert excluded["message"] == "Angebote pausiert"
    expertise = data["candidates"][0]["criteria"]["expertise"]
    assert expertise["note"] == "sells Heat pump" and "Heat pump" in expertise["message"]
    assert expertise["message"] != expertise["note"]


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def test_the_console_explains_and_lets_a_manager_offer_to_chosen_partners(
    rt: Runtime, client: Any, world: World
) -> None:
    a = world.partner("Stuttgart", name="Kälte Klein", product_lines=["Heat pump"])
    b = world.partner("Ulm", name="Wärme Weit")
    c = world.partner("Stuttgart", name="Certified Only", certifications=["KNX"])
    lead = world.lead()
    assert client.get(f"/console/leads/{lead.id}/matching").status_code == 302
    _user(rt, world, role="partner_manager")
    _login(client)
    page = client.get(f"/console/leads/{lead.id}/matching").get_data(as_text=True)
    for name in ("Kälte Klein", "Wärme Weit", "Certified Only"):
        assert name in page
    assert 'data-criterion="distance"' in page and "sells Heat pump" in page
    response = client.post(f"/console/leads/{lead.id}/offer",
                           data={"csrf": _csrf(page), "organization_id": [str(b.id)]})  # fmt: skip
    assert response.status_code == 302
    assert [o.organization_id for o in world.offers(lead.id)] == [b.id]  # type: ignore[arg-type]
    assert a.id and c.id


def test_a_plain_ops_user_may_look_but_not_override(rt: Runtime, client: Any, world: World) -> None:
    partner = world.partner("Stuttgart")
    lead = world.lead()
    _user(rt, world, role="ops")
    _login(client)
    page = client.get(f"/console/leads/{lead.id}/matching")
    assert page.status_code == 200
    response = client.post(f"/console/leads/{lead.id}/assign",
                           data={"csrf": _csrf(page.get_data(True)),
                                 "organization_id": str(partner.id)})  # fmt: skip
    assert response.status_code == 403 and world.reload(lead).state == "qualified"


def test_the_console_shows_the_top_of_a_long_ranking_and_all_on_request(
    rt: Runtime, client: Any, world: World
) -> None:
    for _ in range(53):
        world.partner("Stuttgart")
    world.partner("Hamburg", name="Nordlicht")
    world.partner("Wien", name="Donau")
    lead = world.lead()
    _user(rt, world, role="partner_manager")
    _login(client)
    page = client.get(f"/console/leads/{lead.id}/matching").get_data(as_text=True)
    assert page.count('type="checkbox" name="organization_id"') == 50
    assert "Nordlicht" not in page and "Show all 54 eligible partners" in page
    assert "outside its territory: " in page and "Donau" in page  # the reason, an example
    everything = client.get(f"/console/leads/{lead.id}/matching?all=1").get_data(as_text=True)
    assert everything.count('type="checkbox" name="organization_id"') == 54
    assert "Nordlicht" in everything


def test_the_api_ranks_every_partner_on_request(client: Any, world: World) -> None:
    for city in ("Stuttgart", "Ulm", "Hamburg"):
        world.partner(city)
    world.partner("Wien")
    lead = world.lead()
    url = f"/api/v1/leads/{lead.id}/matching"
    top = client.get(f"{url}?limit=2", headers=_auth(world.api_key())).get_json()
    assert len(top["candidates"]) == 2 and top["eligible"] == 3 and top["partners"] == 4
    assert top["excluded_counts"] == {"outside its territory": 1}
    every = client.get(f"{url}?limit=all", headers=_auth(world.api_key())).get_json()
    assert len(every["candidates"]) == 3
    bad = client.get(f"{url}?limit=-1", headers=_auth(world.api_key()))
    assert bad.status_code == 422
