"""The console's territory requests: a partner manager sees the requests of its own
partners only, and approves or rejects them with the action the one-click email uses."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.partners.territory_requests import request_territory
from mailflow.models import Contact, Event, Organization, OrgAssignment, TerritoryRequest
from mailflow.rules.passwords import hash_password
from mailflow.runtime import Runtime
from tests.factories import World

PASSWORD = "correct horse battery"


def _manager(rt: Runtime, world: World, mine: int) -> Contact:
    with rt.db.transaction() as s:
        manager = Contact(organization_id=world.manufacturer(), name="Paula Berger",
                          email="pm@nordwind.test", role="partner_manager",
                          password_hash=hash_password(PASSWORD),
                          created_at=rt.clock.now())  # fmt: skip
        s.add(manager)
        s.flush()
        s.add(OrgAssignment(organization_id=mine, manager_contact_id=manager.id))
    return manager


def _asks(rt: Runtime, org: Organization, regions: list[str]) -> int:
    with rt.db.transaction() as s:
        contact = s.exec(select(Contact).where(Contact.organization_id == org.id)).first()
        partner = s.get(Organization, org.id)
    assert contact is not None and partner is not None
    with unit(rt, f"contact:{contact.id}", "web") as ctx:
        asked = request_territory(ctx, contact, partner, regions, regions[-1:])
    assert asked.id is not None
    return asked.id


def _login(client: Any, email: str = "pm@nordwind.test") -> str:
    page = client.get("/console/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    login = {"email": email, "password": PASSWORD, "csrf": token.group(1)}
    answer = client.post("/console/login", data=login)
    assert answer.status_code == 302
    listing = client.get("/console/territory-requests").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', listing)
    assert csrf
    return csrf.group(1)


def _state(rt: Runtime, request_id: int) -> str:
    with rt.db.read() as s:
        asked = s.get(TerritoryRequest, request_id)
        assert asked is not None
        return asked.state


def test_a_partner_manager_decides_its_partners_requests_in_the_console(
    rt: Runtime, world: World, client: Any
) -> None:
    mine = world.partner("Stuttgart", name="Kälte Klein", territory=["DE-7"])
    other = world.partner("Ulm", name="Fremdfirma Allgäu", territory=["DE-8"])
    assert mine.id is not None
    manager = _manager(rt, world, mine.id)
    asked = _asks(rt, mine, ["DE-7", "AT"])
    foreign = _asks(rt, other, ["DE-8", "CH"])
    csrf = _login(client)

    listing = client.get("/console/territory-requests").get_data(as_text=True)
    assert f'data-request="{asked}"' in listing and "Kälte Klein" in listing
    assert f'data-request="{foreign}"' not in listing and "Fremdfirma" not in listing
    assert 'data-action="approve-territory"' in listing

    path = f"/console/territory-requests/{foreign}/decide"
    assert client.post(path, data={"decision": "approve", "csrf": csrf}).status_code == 404
    assert _state(rt, foreign) == "pending"
    assert client.post(f"/console/territory-requests/{asked}/decide",
                       data={"decision": "bogus", "csrf": csrf}).status_code == 400  # fmt: skip

    done = client.post(f"/console/territory-requests/{asked}/decide",
                       data={"decision": "approve", "csrf": csrf})  # fmt: skip
    assert done.status_code == 302
    assert _state(rt, asked) == "approved"
    with rt.db.read() as s:
        saved = s.get(Organization, mine.id)
        event = s.exec(select(Event).where(Event.kind == "partner.territory_approved")).one()
    assert saved is not None and saved.territory == ["DE-7", "AT"]
    assert event.actor == f"console:{manager.id}" and event.data["request_id"] == asked

    decided = client.get("/console/territory-requests").get_data(as_text=True)
    assert f'data-request="{asked}" data-state="approved"' in decided
    reject = {"decision": "reject", "csrf": csrf}
    path = f"/console/territory-requests/{asked}/decide"
    again = client.post(path, data=reject, follow_redirects=True)
    assert again.status_code == 200 and _state(rt, asked) == "approved"  # refused, said


def test_staff_other_than_partner_managers_see_every_request_but_cannot_decide(
    rt: Runtime, world: World, client: Any
) -> None:
    mine = world.partner("Stuttgart", name="Kälte Klein", territory=["DE-7"])
    assert mine.id is not None
    _manager(rt, world, mine.id)
    other = world.partner("Ulm", name="Fremdfirma Allgäu", territory=["DE-8"])
    foreign = _asks(rt, other, ["DE-8", "CH"])
    with rt.db.transaction() as s:
        ops = Contact(organization_id=world.manufacturer(), name="Otto Ops",
                      email="ops@nordwind.test", role="ops", created_at=rt.clock.now(),
                      password_hash=hash_password(PASSWORD))  # fmt: skip
        s.add(ops)
    csrf = _login(client, "ops@nordwind.test")
    listing = client.get("/console/territory-requests").get_data(as_text=True)
    assert f'data-request="{foreign}"' in listing and "Fremdfirma" in listing
    assert 'data-action="approve-territory"' not in listing
    path = f"/console/territory-requests/{foreign}/decide"
    answer = client.post(path, data={"decision": "approve", "csrf": csrf})
    assert answer.status_code == 302 and _state(rt, foreign) == "pending"
