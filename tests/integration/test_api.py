"""JSON API v1: leads in, state out; bearer keys; problem+json errors."""

from __future__ import annotations

from typing import Any

from mailflow.jobs.broker import JobQueue
from mailflow.runtime import Runtime
from tests.factories import LEAD_DEFAULTS, World


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_it_requires_a_valid_bearer_key(client: Any, world: World) -> None:
    for headers in ({}, {"Authorization": "Basic eDp5"}, _auth("mf_wrong")):
        answer = client.post("/api/v1/leads", json=LEAD_DEFAULTS, headers=headers)
        assert answer.status_code == 401
        assert answer.mimetype == "application/problem+json"
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/leads/1").status_code == 401


def test_a_created_lead_is_distributed_automatically(
    client: Any, rt: Runtime, world: World, queue: JobQueue
) -> None:
    for city in ("Stuttgart", "Ulm", "Karlsruhe", "München"):
        world.partner(city)
    key = world.api_key()
    created = client.post("/api/v1/leads", json=LEAD_DEFAULTS, headers=_auth(key))
    assert created.status_code == 201
    body = created.get_json()
    assert body["state"] in ("qualified", "offered") and isinstance(body["id"], int)
    assert created.headers["Location"].endswith(f"/api/v1/leads/{body['id']}")
    queue.drain()
    lead = client.get(f"/api/v1/leads/{body['id']}", headers=_auth(key)).get_json()
    assert lead["state"] == "offered" and lead["owner"] is None
    assert [o["state"] for o in lead["offers"]] == ["open"] * 3
    assert {"id", "organization", "ring", "state", "offered_at", "expires_at"} <= set(
        lead["offers"][0]
    )


def test_invalid_fields_are_a_422_problem_listing_each(client: Any, world: World) -> None:
    key = world.api_key()
    bad = {**LEAD_DEFAULTS, "customer_email": "not-an-email", "temperature": "lukewarm", "extra": 1}
    answer = client.post("/api/v1/leads", json=bad, headers=_auth(key))
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    fields = {e["field"] for e in answer.get_json()["errors"]}
    assert fields == {"customer_email", "temperature", "extra"}
    assert (
        client.post(
            "/api/v1/leads", data="[1,", headers=_auth(key), content_type="application/json"
        ).status_code
        == 400
    )


def test_the_same_external_id_returns_the_same_lead(client: Any, world: World) -> None:
    key = world.api_key()
    first = client.post(
        "/api/v1/leads", json={**LEAD_DEFAULTS, "external_id": "crm-1"}, headers=_auth(key)
    )
    again = client.post(
        "/api/v1/leads", json={**LEAD_DEFAULTS, "external_id": "crm-1"}, headers=_auth(key)
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]


def test_a_partner_key_sees_only_leads_offered_to_it_and_no_contact_data(
    client: Any, rt: Runtime, world: World
) -> None:
    near, far = world.partner("Stuttgart"), world.partner("Berlin")
    rt.settings = rt.settings.with_(ring_size=1)
    lead, _ = world.offered_lead()
    near_view = client.get(f"/api/v1/leads/{lead.id}", headers=_auth(world.api_key(near.id)))
    assert near_view.status_code == 200
    assert "customer_email" not in near_view.get_json()
    assert (
        client.get(f"/api/v1/leads/{lead.id}", headers=_auth(world.api_key(far.id))).status_code
        == 404
    )
    created = client.post(
        "/api/v1/leads", json=LEAD_DEFAULTS, headers=_auth(world.api_key(near.id))
    )
    assert created.status_code == 403


def test_unknown_lead_is_a_404_problem(client: Any, world: World) -> None:
    answer = client.get("/api/v1/leads/999999", headers=_auth(world.api_key()))
    assert answer.status_code == 404 and answer.get_json()["status"] == 404
