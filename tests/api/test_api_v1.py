"""JSON API v1 beyond create/get: scopes, rate limits, idempotency keys, lists, withdraw,
a partner's offers and feedback, partners and contacts, KPIs."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from mailflow.actions.console import apikeys
from mailflow.csvio.exporter import kpi_csv
from mailflow.queries import reports
from mailflow.queries.visibility import OPERATOR
from mailflow.runtime import Runtime
from tests.factories import LEAD_DEFAULTS, World


def _auth(key: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **extra}


def test_it_refuses_a_route_outside_the_keys_scopes(client: Any, rt: Runtime, world: World) -> None:
    key = apikeys.new_key()
    with rt.db.transaction() as s:
        apikeys.store(s, world.manufacturer(), key, "read-only", rt.clock.now(), ["leads:read"])
    assert client.get("/api/v1/leads", headers=_auth(key)).status_code == 200
    answer = client.post("/api/v1/leads", json=LEAD_DEFAULTS, headers=_auth(key))
    assert answer.status_code == 403 and answer.mimetype == "application/problem+json"
    assert "leads:write" in answer.get_json()["detail"]


def test_it_answers_429_with_retry_after_when_a_key_exceeds_its_rate(
    client: Any, rt: Runtime, world: World
) -> None:
    rt.settings = rt.settings.with_(api_rate_per_minute=5)
    key, other = world.api_key(), world.api_key()
    codes = [client.get("/api/v1/leads", headers=_auth(key)).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    limited = client.get("/api/v1/leads", headers=_auth(key))
    assert limited.mimetype == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 12
    assert client.get("/api/v1/leads", headers=_auth(other)).status_code == 200


def test_an_idempotency_key_returns_the_first_lead_and_refuses_another_body(
    client: Any, world: World
) -> None:
    key = world.api_key()
    headers = _auth(key, **{"Idempotency-Key": "req-7f3a"})
    first = client.post("/api/v1/leads", json=LEAD_DEFAULTS, headers=headers)
    again = client.post("/api/v1/leads", json=LEAD_DEFAULTS, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    other = client.post("/api/v1/leads", json={**LEAD_DEFAULTS, "city": "Ulm"}, headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["detail"]
    another = {**LEAD_DEFAULTS, "customer_email": "someone.else@another-customer.example"}
    fresh = client.post("/api/v1/leads", json=another, headers=_auth(key))  # no key: a new lead
    assert fresh.status_code == 201 and fresh.get_json()["id"] != first.get_json()["id"]


def test_leads_are_listed_newest_first_filtered_and_paged(client: Any, world: World) -> None:
    key = world.api_key()
    ids = [
        world.lead(temperature=t, external_id=f"l{i}").id
        for i, t in enumerate(["hot", "warm", "hot", "hot", "cold"])
    ]
    hot = client.get("/api/v1/leads?temperature=hot&limit=2", headers=_auth(key)).get_json()
    assert [lead["id"] for lead in hot["items"]] == [ids[3], ids[2]]
    rest = client.get(
        f"/api/v1/leads?temperature=hot&limit=2&after={hot['next_after']}", headers=_auth(key)
    ).get_json()
    assert [lead["id"] for lead in rest["items"]] == [ids[0]] and rest["next_after"] is None
    assert client.get("/api/v1/leads?state=won", headers=_auth(key)).get_json()["items"] == []
    later = client.get("/api/v1/leads?created_after=2999-01-01T00:00:00Z", headers=_auth(key))
    assert later.get_json()["items"] == []
    bad = client.get("/api/v1/leads?limit=0", headers=_auth(key))
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "limit"


def test_the_manufacturer_withdraws_an_offered_lead_and_its_offers_close(
    client: Any, world: World
) -> None:
    world.partner("Stuttgart")
    lead, _ = world.offered_lead()
    key = world.api_key()
    answer = client.post(
        f"/api/v1/leads/{lead.id}/withdraw", json={"reason": "duplicate"}, headers=_auth(key)
    )
    assert answer.status_code == 200 and answer.get_json()["state"] == "withdrawn"
    assert {o.state for o in world.offers(lead.id)} == {"withdrawn"}  # type: ignore[arg-type]
    again = client.post(f"/api/v1/leads/{lead.id}/withdraw", json={}, headers=_auth(key))
    assert again.status_code == 200


def test_a_partner_lists_picks_and_reports_won_through_the_api(
    client: Any, rt: Runtime, world: World
) -> None:
    near, rival = world.partner("Stuttgart"), world.partner("Ulm")
    lead, _ = world.offered_lead()
    key, rival_key = world.api_key(near.id), world.api_key(rival.id)
    mine = client.get("/api/v1/offers", headers=_auth(key)).get_json()["items"]
    assert len(mine) == 1 and "customer_email" not in mine[0]["lead"]
    offer_id = mine[0]["offer"]["id"]
    picked = client.post(f"/api/v1/offers/{offer_id}/pick", json={}, headers=_auth(key))
    assert picked.status_code == 200
    assert picked.get_json()["lead"]["customer_email"] == LEAD_DEFAULTS["customer_email"]
    rival_offer = client.get("/api/v1/offers?state=taken", headers=_auth(rival_key)).get_json()
    late = client.post(
        f"/api/v1/offers/{rival_offer['items'][0]['offer']['id']}/pick",
        json={},
        headers=_auth(rival_key),
    )
    assert late.status_code == 409 and late.mimetype == "application/problem+json"
    won = client.post(
        f"/api/v1/leads/{lead.id}/feedback",
        json={"stage": "won", "amount": "12500"},
        headers=_auth(key),
    )
    assert won.status_code == 201 and won.get_json()["lead_state"] == "won"
    assert world.reload(lead).state == "won"
    refused = client.post(
        f"/api/v1/leads/{lead.id}/feedback", json={"stage": "lost"}, headers=_auth(rival_key)
    )
    assert refused.status_code == 404


def test_a_partner_declines_through_the_api(client: Any, world: World) -> None:
    near = world.partner("Stuttgart")
    world.offered_lead()
    key = world.api_key(near.id)
    offer_id = client.get("/api/v1/offers", headers=_auth(key)).get_json()["items"][0]["offer"][
        "id"
    ]
    answer = client.post(
        f"/api/v1/offers/{offer_id}/decline", json={"reason": "too far"}, headers=_auth(key)
    )
    assert answer.status_code == 200 and answer.get_json()["offer"]["state"] == "declined"
    assert client.get("/api/v1/offers", headers=_auth(key)).get_json()["items"] == []


def test_partners_and_contacts_are_upserted_by_external_id(client: Any, world: World) -> None:
    key = world.api_key()
    body = {"name": "Kältetechnik Süd", "kind": "dealer", "city": "Ulm", "country": "de"}
    first = client.put("/api/v1/partners/by-external-id/P-100", json=body, headers=_auth(key))
    assert first.status_code == 201 and first.get_json()["country"] == "DE"
    again = client.put(
        "/api/v1/partners/by-external-id/P-100", json={"level": "gold"}, headers=_auth(key)
    )
    assert again.status_code == 200
    partner = again.get_json()
    assert partner["id"] == first.get_json()["id"] and partner["level"] == "gold"
    assert partner["name"] == "Kältetechnik Süd" and partner["lat"] is not None
    contact = {"name": "Jana Roth", "email": "Jana@Sued.example", "organization_id": partner["id"]}
    made = client.put("/api/v1/contacts/by-external-id/C-9", json=contact, headers=_auth(key))
    assert made.status_code == 201 and made.get_json()["email"] == "jana@sued.example"
    moved = client.patch(
        f"/api/v1/contacts/{made.get_json()['id']}", json={"language": "de"}, headers=_auth(key)
    )
    assert moved.status_code == 200 and moved.get_json()["language"] == "de"
    nameless = client.post("/api/v1/partners", json={"city": "Ulm"}, headers=_auth(key))
    assert nameless.status_code == 422
    partner_key = world.api_key(partner["id"])
    assert client.post("/api/v1/partners", json=body, headers=_auth(partner_key)).status_code == 403


def test_kpis_count_offered_picked_and_won_per_partner(client: Any, world: World) -> None:
    near, other = world.partner("Stuttgart"), world.partner("Ulm")
    world.offered_lead()
    key = world.api_key(near.id)
    offer_id = client.get("/api/v1/offers", headers=_auth(key)).get_json()["items"][0]["offer"][
        "id"
    ]
    client.post(f"/api/v1/offers/{offer_id}/pick", json={}, headers=_auth(key))
    lead_id = client.get("/api/v1/leads", headers=_auth(key)).get_json()["items"][0]["id"]
    client.post(f"/api/v1/leads/{lead_id}/feedback", json={"stage": "won"}, headers=_auth(key))
    rows = client.get("/api/v1/kpis", headers=_auth(world.api_key())).get_json()["rows"]
    by_org = {r["organization_id"]: r for r in rows}
    assert by_org[near.id]["offered"] == 1 and by_org[near.id]["picked"] == 1
    assert by_org[near.id]["won"] == 1 and by_org[near.id]["conversion"] == 1.0
    assert by_org[other.id]["picked"] == 0 and by_org[other.id]["pick_rate"] == 0.0
    own = client.get("/api/v1/kpis", headers=_auth(key)).get_json()["rows"]
    assert [r["organization_id"] for r in own] == [near.id]


def test_every_surface_shows_the_one_conversion(client: Any, rt: Runtime, world: World) -> None:
    """Won, lost and still open: the conversion is won ÷ (won + lost) = 0.5 in the API,
    the CSV export and the console's partner table alike (won ÷ picked would be 1/3)."""
    near = world.partner("Stuttgart")
    key = world.api_key(near.id)
    for stage in ("won", "lost", None):
        world.offered_lead()
        offer_id = client.get("/api/v1/offers?state=open", headers=_auth(key)).get_json()["items"][
            0
        ]["offer"]["id"]
        lead = client.post(f"/api/v1/offers/{offer_id}/pick", json={}, headers=_auth(key))
        if stage:
            lead_id = lead.get_json()["lead"]["id"]
            client.post(f"/api/v1/leads/{lead_id}/feedback", json={"stage": stage},
                        headers=_auth(key))  # fmt: skip
    api = client.get("/api/v1/kpis", headers=_auth(key)).get_json()["rows"]
    now = rt.clock.now()
    with rt.db.read() as s:
        exported = list(csv.DictReader(io.StringIO("".join(kpi_csv(s, OPERATOR, now)))))
        period = reports.Period("now", now - timedelta(days=30), now + timedelta(seconds=1), "UTC")
        table = reports.partner_table(s, OPERATOR, period)
    assert [(r["organization_id"], r["conversion"]) for r in api] == [(near.id, 0.5)]
    assert [(int(r["organization_id"]), r["conversion"]) for r in exported] == [(near.id, "0.5")]
    assert [r["cr"] for r in table if r["key"] == near.id] == [0.5]
