"""Attacks on the JSON API with a valid key: taking over console accounts through the
contact routes, routes outside the key's scopes, oversized manual offers, what a losing
partner reads, and hostile input on every write route."""

from __future__ import annotations

import itertools
import json
import re
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mailflow.actions.console import apikeys
from mailflow.csvio.importer import import_partners
from mailflow.models import Contact, Organization
from mailflow.runtime import Runtime
from mailflow.web import apispec, create_app
from tests.factories import LEAD_DEFAULTS, World
from tests.reliability.conftest import Snapshot


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _contact(rt: Runtime, email: str) -> Contact:
    with rt.db.read() as s:
        found = s.exec(select(Contact).where(Contact.email == email)).first()
        assert found is not None
        return found


def _refused(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    body: dict[str, Any] = answer.get_json()
    return body


# -- console takeover through the contact routes -----------------------------------------
def test_a_key_cannot_change_any_console_users_email(
    client: Any,
    rt: Runtime,
    world: World,
    console_users: dict[str, str],
    db_state: Callable[[], Snapshot],
) -> None:
    key = world.api_key()
    before = db_state()
    for role, email in console_users.items():
        user = _contact(rt, email)
        answer = client.patch(
            f"/api/v1/contacts/{user.id}",
            json={"email": f"attacker+{role}@evil.example"},
            headers=_auth(key),
        )
        assert "console" in _refused(answer, 403)["detail"], role
    assert db_state() == before


def test_a_key_cannot_reach_a_console_user_by_external_id_or_by_email(
    client: Any,
    rt: Runtime,
    world: World,
    console_users: dict[str, str],
    db_state: Callable[[], Snapshot],
) -> None:
    with rt.db.transaction() as s:
        admin = s.exec(select(Contact).where(Contact.email == console_users["admin"])).one()
        admin.external_id = "crm-admin"
    key = world.api_key()
    before = db_state()
    takeover = {"email": "attacker@evil.example", "name": "Attacker"}
    answer = client.put("/api/v1/contacts/by-external-id/crm-admin", json=takeover,
                        headers=_auth(key))  # fmt: skip
    _refused(answer, 403)
    manager = _contact(rt, console_users["manager"])
    same_email = {"email": manager.email, "organization_id": manager.organization_id,
                  "name": "Renamed"}  # fmt: skip
    _refused(client.post("/api/v1/contacts", json=same_email, headers=_auth(key)), 403)
    assert db_state() == before


def test_a_key_cannot_create_console_roles_or_manufacturer_contacts(
    client: Any, world: World, db_state: Callable[[], Snapshot]
) -> None:
    dealer = world.partner("Stuttgart")
    key = world.api_key()
    before = db_state()
    for role in ("manager", "rep"):
        body = {"name": "Mallory", "email": f"{role}@evil.example", "organization_id": dealer.id,
                "role": role}  # fmt: skip
        assert role in _refused(client.post("/api/v1/contacts", json=body,
                                            headers=_auth(key)), 403)["detail"]  # fmt: skip
    staff = {"name": "Mallory", "email": "staff@evil.example",
             "organization_id": world.manufacturer()}  # fmt: skip
    _refused(client.post("/api/v1/contacts", json=staff, headers=_auth(key)), 403)
    assert db_state() == before


def test_a_key_cannot_promote_or_move_a_partner_contact_to_the_manufacturer(
    client: Any, world: World, db_state: Callable[[], Snapshot]
) -> None:
    dealer = world.partner("Stuttgart")
    (sales,) = world.contacts(dealer.id)  # type: ignore[arg-type]
    key = world.api_key()
    before = db_state()
    url = f"/api/v1/contacts/{sales.id}"
    _refused(client.patch(url, json={"role": "manager"}, headers=_auth(key)), 403)
    moved = {"organization_id": world.manufacturer()}
    _refused(client.patch(url, json=moved, headers=_auth(key)), 403)
    assert db_state() == before
    fine = client.patch(url, json={"name": "Jana Roth", "role": "sales"}, headers=_auth(key))
    assert fine.status_code == 200 and fine.get_json()["name"] == "Jana Roth"


def test_the_partner_import_cannot_overwrite_a_console_user(
    rt: Runtime, world: World, console_users: dict[str, str], tmp_path: Path
) -> None:
    manager = _contact(rt, console_users["manager"])
    with rt.db.transaction() as s:
        dealer = s.get(Organization, manager.organization_id)
        assert dealer is not None
        dealer.external_id = "P-console"
    csv_file = tmp_path / "partners.csv"
    csv_file.write_text(
        "external_id,name,contact_name,contact_email\n"
        f"P-console,Console Dealer,Mallory,{manager.email}\n"
    )
    report = import_partners(rt, csv_file)
    assert len(report.bad) == 1 and "console" in report.bad[0][1]
    assert _contact(rt, manager.email).name == manager.name


def test_a_contact_with_a_password_is_protected_even_without_a_console_role(
    client: Any, rt: Runtime, world: World
) -> None:
    dealer = world.partner("Stuttgart")
    with rt.db.transaction() as s:
        sales = s.exec(select(Contact).where(Contact.organization_id == dealer.id)).one()
        sales.password_hash = "pbkdf2:sha256:1000$salt$hash"  # a login left from a former role
    answer = client.patch(f"/api/v1/contacts/{sales.id}", json={"email": "x@evil.example"},
                          headers=_auth(world.api_key()))  # fmt: skip
    _refused(answer, 403)


# -- every route behind its scope ---------------------------------------------------------
ALL_SCOPES = sorted(set(apikeys.MANUFACTURER_SCOPES) | set(apikeys.PARTNER_SCOPES))


def _api_rules(app: Any) -> list[tuple[str, str]]:
    """(method, Flask rule) of every route under /api/v1/ except the public document."""
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def _declared() -> dict[tuple[str, str], apispec.Route]:
    return {(r.method, "/api/v1" + r.path): r for r in apispec.ROUTES}


def _concrete(rule: str) -> str:
    return re.sub(r"<int:\w+>", "1", re.sub(r"<(?:string:)?\w+>", "ext-1", rule))


def test_every_api_rule_is_declared_with_a_scope_and_documented(client: Any, app: Any) -> None:
    declared = _declared()
    documented = client.get("/api/v1/openapi.json").get_json()["paths"]
    for method, rule in _api_rules(app):
        route = declared.get((method, rule))
        assert route is not None, f"{method} {rule} is not in the route table"
        assert route.scope in ALL_SCOPES, f"{method} {rule}: unknown scope {route.scope!r}"
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)
        assert method.lower() in documented.get(path, {}), f"{method} {rule} is not documented"


def test_every_route_refuses_a_key_without_its_scope_and_a_call_without_a_key(
    client: Any, app: Any, rt: Runtime, world: World, db_state: Callable[[], Snapshot]
) -> None:
    world.partner("Stuttgart")
    world.offered_lead()
    declared = _declared()
    lacking = {}  # scope → a manufacturer key with every scope but that one
    with rt.db.transaction() as s:
        for scope in ALL_SCOPES:
            lacking[scope] = apikeys.new_key()
            others = [x for x in ALL_SCOPES if x != scope]
            apikeys.store(s, world.manufacturer(), lacking[scope], scope, rt.clock.now(), others)
    before = db_state()
    for method, rule in _api_rules(app):
        route = declared.get((method, rule))
        scope = route.scope if route else "leads:write"  # an undeclared route: any scope
        url = _concrete(rule)
        answer = client.open(url, method=method, json={}, headers=_auth(lacking[scope]))
        assert answer.status_code == 403, f"{method} {rule} without {scope}"
        assert answer.mimetype == "application/problem+json"
        anonymous = client.open(url, method=method, json={})
        assert anonymous.status_code == 401, f"{method} {rule} without a key"
    assert db_state() == before


def test_a_route_outside_the_table_is_refused_at_start_up_and_on_request(
    rt: Runtime, world: World
) -> None:
    app = create_app(rt)
    app.add_url_rule("/api/v1/sneaky", "sneaky", lambda: {"done": True}, methods=["POST"])
    with pytest.raises(RuntimeError, match="sneaky"):
        apispec.check_routes(app)
    answer = app.test_client().post("/api/v1/sneaky", json={}, headers=_auth(world.api_key()))
    _refused(answer, 403)


# -- manual offers are capped --------------------------------------------------------------
def test_a_manual_offer_to_more_partners_than_the_cap_is_refused_whole(
    client: Any, rt: Runtime, world: World, db_state: Callable[[], Snapshot]
) -> None:
    rt.settings = rt.settings.with_(offer_max_partners=2)
    partners = [world.partner(city) for city in ("Stuttgart", "Ulm", "Karlsruhe")]
    lead = world.lead()
    key = world.api_key()
    before = db_state()
    url = f"/api/v1/leads/{lead.id}/offer"
    for ids in ([p.id for p in partners], list(range(10_000, 20_000))):
        answer = client.post(url, json={"organization_ids": ids}, headers=_auth(key))
        body = _refused(answer, 422)
        assert body["limit"] == 2 and "at most 2 partners" in body["detail"]
    assert db_state() == before
    twice = [p.id for p in partners[:2]] * 50  # the same two partners, named again and again
    fits = client.post(url, json={"organization_ids": twice}, headers=_auth(key))
    assert fits.status_code == 201 and len(fits.get_json()["offers"]) == 2


def test_the_console_manual_offer_is_capped_by_the_same_action(
    client: Any,
    rt: Runtime,
    world: World,
    login: Callable[[Any, str], str],
    db_state: Callable[[], Snapshot],
) -> None:
    rt.settings = rt.settings.with_(offer_max_partners=2)
    partners = [world.partner(city) for city in ("Stuttgart", "Ulm", "Karlsruhe")]
    lead = world.lead()
    csrf = login(client, "admin")
    before = db_state()
    form = {"csrf": csrf, "organization_id": [str(p.id) for p in partners] + ["²", "9" * 30]}
    answer = client.post(f"/console/leads/{lead.id}/offer", data=form, follow_redirects=True)
    assert answer.status_code == 200 and "at most 2 partners" in answer.get_data(as_text=True)
    after = db_state()
    assert {k: v for k, v in after.items() if k != "contact"} == {
        k: v for k, v in before.items() if k != "contact"
    }  # only the login's last_login_at may move


# -- a losing partner learns nothing about the winner --------------------------------------
def test_a_losing_partner_sees_a_taken_teaser_without_owner_or_progress(
    client: Any, world: World
) -> None:
    winner, loser = world.partner("Stuttgart"), world.partner("Ulm")
    lead, _ = world.offered_lead()
    key, loser_key = world.api_key(winner.id), world.api_key(loser.id)
    offer_id = client.get("/api/v1/offers", headers=_auth(key)).get_json()["items"][0]["offer"]
    client.post(f"/api/v1/offers/{offer_id['id']}/pick", json={}, headers=_auth(key))
    won = client.post(f"/api/v1/leads/{lead.id}/feedback", json={"stage": "won"},
                      headers=_auth(key))  # fmt: skip
    assert won.status_code == 201
    taken = client.get("/api/v1/offers?state=taken", headers=_auth(loser_key)).get_json()
    views = [
        taken["items"][0]["lead"],
        client.get(f"/api/v1/leads/{lead.id}", headers=_auth(loser_key)).get_json(),
        *client.get("/api/v1/leads", headers=_auth(loser_key)).get_json()["items"],
    ]
    for view in views:
        assert view["state"] == "taken" and view["owner"] is None and view["picked_at"] is None
        assert {o["organization"]["id"] for o in view["offers"]} == {loser.id}
        assert winner.name not in str(view) and view["qualify_note"] is None
    mine = client.get(f"/api/v1/leads/{lead.id}", headers=_auth(key)).get_json()
    assert mine["state"] == "won" and mine["owner"]["id"] == winner.id


# -- hostile input on every write route ----------------------------------------------------
# Values that are never valid: each must be a 400/422 problem, and nothing stored.
NEVER_VALID: dict[str, list[Any]] = {
    "string": ["\x00", "ok\x00ok", "\ud800"],  # NUL; a lone surrogate
    "integer": [2**31, -(2**31) - 1, 2**63, 10**30],
    # raw JSON tokens: NaN is not JSON, but Python's parser takes it
    "number": ["NaN", "Infinity", "-Infinity", "1e400"],
}
# Values that may be valid for some field: never a server error.
ODD: dict[str, list[Any]] = {
    "string": ["ß" * 60, "²³", "9" * 40, "İ" * 50],
    "integer": [0, -1],
    "number": [-1e308, 0],
}


def _kinds(schema: dict[str, Any], defs: dict[str, Any]) -> set[str]:
    """The JSON types a property accepts (strings in arrays count as strings)."""
    if "$ref" in schema:
        return _kinds(defs[schema["$ref"].split("/")[-1]], defs)
    found: set[str] = set()
    for branch in schema.get("anyOf", [schema]):
        kind = branch.get("type")
        if kind == "array":
            found |= {f"array:{k}" for k in _kinds(branch.get("items", {}), defs)}
        elif kind == "string" and branch.get("format") == "decimal":
            found.add("number")
        elif kind:
            found.add(kind)
        elif "enum" in branch or "const" in branch:
            found.add("string")
    return found


def _bodies(route: apispec.Route, values: dict[str, list[Any]]) -> list[tuple[str, str]]:
    """(field, raw JSON body) with one field replaced by each value of its kind."""
    assert route.body is not None
    schema = route.body.model_json_schema()
    out = []
    for field, prop in schema["properties"].items():
        for kind in _kinds(prop, schema.get("$defs", {})):
            scalar = kind.removeprefix("array:")
            for value in values.get(scalar, []):
                token = value if scalar == "number" and isinstance(value, str) else None
                encoded = token or json.dumps(value)
                if kind.startswith("array:"):
                    encoded = f"[{encoded}]"
                out.append((field, f'{{"{field}": {encoded}}}'))
    return out


@pytest.fixture
def targets(rt: Runtime, world: World) -> tuple[dict[str, Any], dict[str, str]]:
    """Real ids for the path parameters, and a key per side (partner for offers:write and
    deals:write)."""
    rt.settings = rt.settings.with_(api_rate_per_minute=1_000_000)
    partner = world.partner("Stuttgart")
    lead, offers = world.offered_lead()
    (contact,) = world.contacts(partner.id)  # type: ignore[arg-type]
    ids = {"lead_id": lead.id, "offer_id": offers[0].id, "partner_id": partner.id,
           "contact_id": contact.id, "webhook_id": 1, "external_id": "ext-1"}  # fmt: skip
    keys = {"manufacturer": world.api_key(), "partner": world.api_key(partner.id)}
    return ids, keys


def _call(client: Any, route: apispec.Route, ids: dict[str, Any], keys: dict[str, str],
          body: str) -> Any:  # fmt: skip
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route.path)
    partners = ("offers:write", "deals:write")  # the scopes only a partner's key uses
    key = keys["partner" if route.scope in partners else "manufacturer"]
    headers = {**_auth(key), "Content-Type": "application/json"}
    return client.open("/api/v1" + path, method=route.method, data=body, headers=headers)


def _write_routes() -> list[apispec.Route]:
    return [r for r in apispec.ROUTES if r.body is not None]


def test_hostile_values_in_any_field_of_any_write_route(
    client: Any, targets: Any, db_state: Callable[[], Snapshot]
) -> None:
    """Never-valid values are a 400/422 and store nothing; odd ones never a server error."""
    ids, keys = targets
    before = db_state()
    tried = 0
    for route in _write_routes():
        for field, body in _bodies(route, NEVER_VALID):
            answer = _call(client, route, ids, keys, body)
            assert answer.status_code in (400, 422), f"{route.name}.{field}: {body[:80]}"
            assert answer.mimetype == "application/problem+json"
            tried += 1
    assert tried > 100
    assert db_state() == before
    for route in _write_routes():
        for field, body in _bodies(route, ODD):
            answer = _call(client, route, ids, keys, body)
            assert answer.status_code < 500, f"{route.name}.{field}: {body[:80]}"


@pytest.mark.parametrize("shape", ['{"a": %s1%s}', "%s%s"])
def test_deeply_nested_json_is_a_400_on_every_write_route(
    client: Any, targets: Any, shape: str
) -> None:
    ids, keys = targets
    for depth in (64, 100_000):
        body = shape % ("[" * depth, "]" * depth)
        for route in _write_routes():
            answer = _call(client, route, ids, keys, body)
            assert answer.status_code in (400, 422), f"{route.name} at depth {depth}"


GROWING_CODES = [("country", "ß"), ("country", "ßx"), ("currency", "ßßß"), ("currency", "EU²"),
                 ("country", "D\u0307"), ("currency", "ǆǆǆ")]  # fmt: skip


def test_a_code_that_grows_when_upper_cased_is_refused(
    client: Any, targets: Any, db_state: Callable[[], Snapshot]
) -> None:
    _, keys = targets
    before = db_state()
    for field, value in GROWING_CODES:
        lead = {**LEAD_DEFAULTS, "customer_email": "neu@kunde.example", field: value}
        answer = client.post("/api/v1/leads", json=lead, headers=_auth(keys["manufacturer"]))
        assert _refused(answer, 422)["errors"][0]["field"] == field, value
        if field == "country":
            partner = {"name": "Süd", "country": value}
            _refused(client.post("/api/v1/partners", json=partner,
                                 headers=_auth(keys["manufacturer"])), 422)  # fmt: skip
    assert db_state() == before


ODD_QUERY = ["\x00", "ok\x00", "²", "1²", "9" * 40, "NaN", "-1"]
QUERY_ROUTES = [("/api/v1/leads", "created_after"), ("/api/v1/leads", "created_before"),
                ("/api/v1/kpis", "since"), ("/api/v1/kpis", "until")]  # fmt: skip


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00",
                                   "9999-12-31T23:59:59-23:59", "9999-12-31"])  # fmt: skip
def test_dates_out_of_sensible_bounds_are_a_422(client: Any, targets: Any, value: str) -> None:
    _, keys = targets
    for path, name in QUERY_ROUTES:
        answer = client.get(path, query_string={name: value}, headers=_auth(keys["manufacturer"]))
        assert _refused(answer, 422)["errors"][0]["field"] == name


def test_odd_query_values_are_never_a_server_error(client: Any, targets: Any) -> None:
    ids, keys = targets
    queries = [r for r in apispec.ROUTES if r.query is not None]
    for route in queries:
        assert route.query is not None
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route.path)
        for name, value in itertools.product(route.query.model_fields, ODD_QUERY):
            answer = client.get("/api/v1" + path, query_string={name: value},
                                headers=_auth(keys["manufacturer"]))  # fmt: skip
            assert answer.status_code < 500, f"{route.name}?{name}={value!r}"
            if "\x00" in value:
                assert answer.status_code == 422, f"{route.name}?{name}={value!r}"


@pytest.mark.parametrize("external_id", ["a\x00b", "x" * 101, "ok ok", "²"])
def test_an_external_id_in_the_path_is_held_to_the_documented_pattern(
    client: Any, targets: Any, external_id: str, db_state: Callable[[], Snapshot]
) -> None:
    _, keys = targets
    before = db_state()
    quoted = urllib.parse.quote(external_id)
    for path, body in (("partners", {"name": "Süd"}), ("contacts", {"name": "A"})):
        answer = client.put(f"/api/v1/{path}/by-external-id/{quoted}", json=body,
                            headers=_auth(keys["manufacturer"]))  # fmt: skip
        assert answer.status_code in (404, 422), (path, external_id)
    assert db_state() == before


def test_a_nul_in_the_idempotency_key_is_refused(
    client: Any, targets: Any, db_state: Callable[[], Snapshot]
) -> None:
    _, keys = targets
    before = db_state()
    headers = {**_auth(keys["manufacturer"]), "Idempotency-Key": "k\x00ey"}
    lead = {**LEAD_DEFAULTS, "customer_email": "neu@kunde.example"}
    _refused(client.post("/api/v1/leads", json=lead, headers=headers), 422)
    assert db_state() == before


def test_a_key_cannot_upsert_the_manufacturer_by_its_external_id(
    client: Any, rt: Runtime, world: World, db_state: Callable[[], Snapshot]
) -> None:
    with rt.db.transaction() as s:
        maker = s.get(Organization, world.manufacturer())
        assert maker is not None
        maker.external_id = "NORDWIND"
    key = world.api_key()
    before = db_state()
    body = {"name": "Taken over", "kind": "dealer"}
    answer = client.put("/api/v1/partners/by-external-id/NORDWIND", json=body, headers=_auth(key))
    _refused(answer, 403)
    assert db_state() == before
