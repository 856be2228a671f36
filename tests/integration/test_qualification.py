"""The qualification gate: campaign criteria, enrichment, the agency's dialog, the queue."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlmodel import select

from mailflow.links.claims import LinkClaim
from mailflow.models import Campaign, Contact, Event, Lead, Organization, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World
from tests.integration.test_console import _login, _user


def _campaign(rt: Runtime, **fields: Any) -> None:
    with rt.db.transaction() as s:
        s.add(Campaign(created_at=rt.clock.now(), **fields))


def _agency(rt: Runtime, language: str = "de") -> tuple[int, int]:
    with rt.db.transaction() as s:
        org = Organization(name="Callcenter Süd", kind="agency", created_at=rt.clock.now())
        s.add(org)
        s.flush()
        contact = Contact(organization_id=org.id, name="Anna Agent", email="anna@agency.example",
                          role="rep", language=language, created_at=rt.clock.now())  # fmt: skip
        s.add(contact)
        s.flush()
        assert org.id is not None and contact.id is not None
        return org.id, contact.id


def test_a_lead_failing_its_campaign_waits_in_the_queue_saying_what_is_missing(
    rt: Runtime, world: World, client: Any
) -> None:
    world.partner("Stuttgart")
    _campaign(rt, name="fair-2026", required_fields=["customer_phone", "customer_company"],
              allowed_countries=["DE", "AT"], min_value="25000",
              rules=[{"field": "requirement", "op": "min_length", "value": 10}])  # fmt: skip
    lead = world.lead(campaign="fair-2026", customer_phone=None, value="18000")
    assert lead.state == "new" and world.offers(lead.id) == []  # type: ignore[arg-type]
    assert lead.qualify_note == "missing: customer_phone; value 18000 below minimum 25000"
    good = world.lead(campaign="fair-2026", customer_email="b@other.example", value="30000")
    assert good.state == "qualified"
    _user(rt, world)
    _login(client)
    page = client.get("/console/qualification").get_data(as_text=True)
    assert f">{lead.id}</a>" in page and "missing: customer_phone" in page
    assert f">{good.id}</a>" not in page
    assert client.get("/console/").get_data(as_text=True).count("Qualification") >= 1


def test_the_queue_needs_a_login_and_a_manager_can_qualify_anyway(
    rt: Runtime, world: World, client: Any
) -> None:
    world.partner("Stuttgart")
    _campaign(rt, name="strict", required_fields=["customer_phone"])
    lead = world.lead(campaign="strict", customer_phone=None)
    assert client.get("/console/qualification").status_code == 302
    _user(rt, world, role="partner_manager")
    _login(client)
    page = client.get("/console/qualification").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post(f"/console/leads/{lead.id}/approve", data={"csrf": csrf})
    assert response.status_code == 302
    fresh = world.reload(lead)
    assert fresh.state == "qualified" and fresh.qualify_note is None
    with rt.db.read() as s:
        event = s.exec(select(Event).where(Event.kind == "lead.qualified")).one()
    assert event.data["by"] == "manual" and event.actor.startswith("console:")


def test_enrichment_reads_company_data_and_rules_can_use_it(rt: Runtime, world: World) -> None:
    Path(rt.settings.data_dir).mkdir(parents=True, exist_ok=True)
    (Path(rt.settings.data_dir) / "companies.csv").write_text(
        "domain,industry,size,turnover\nmustermann-bau.example,construction,45,7500000\n"
        "tiny.example,retail,2,90000\n",
        encoding="utf-8",
    )
    _campaign(rt, name="b2b", rules=[{"field": "company_size", "op": "at_least", "value": 10,
                                      "message": "company too small"}])  # fmt: skip
    lead = world.lead(campaign="b2b")
    assert lead.company_data == {"domain": "mustermann-bau.example", "industry": "construction",
                                 "size": 45, "turnover": 7500000}  # fmt: skip
    assert lead.state == "qualified"
    small = world.lead(campaign="b2b", customer_email="owner@tiny.example")
    assert small.state == "new" and small.qualify_note == "company too small"


def _qualify_link(rt: Runtime, lead_id: int) -> str:
    with rt.db.read() as s:
        email = s.exec(
            select(OutboundEmail).where(
                OutboundEmail.kind == "qualify_request", OutboundEmail.lead_id == lead_id
            )
        ).one()
    link: str = email.context["links"]["qualify"]
    assert "/q/" in link
    return link.replace(rt.settings.base_url, "")


def test_an_agency_completes_and_qualifies_a_lead_through_its_dialog(
    rt: Runtime, world: World, client: Any
) -> None:
    world.partner("Stuttgart")
    agency, _ = _agency(rt)
    _campaign(rt, name="callcenter", agency_id=agency, required_fields=["customer_email"],
              min_value="5000")  # fmt: skip
    lead = world.lead(campaign="callcenter", value=None)
    assert lead.state == "new" and lead.qualify_note == "missing: value"
    lead = world.lead(campaign="callcenter", customer_email="x@y.example", value="9000")
    assert lead.state == "new" and lead.qualify_note == "waiting for the agency's check"
    path = _qualify_link(rt, lead.id)  # type: ignore[arg-type]
    page = client.get(path)
    assert page.status_code == 200 and "Qualifiziert: an Partner senden" in page.get_data(True)
    assert world.reload(lead).state == "new"  # GET changed nothing
    done = client.post(path, data={"decision": "approve", "customer_phone": "+49 89 1234",
                                   "note": "called, real project"})  # fmt: skip
    assert done.status_code == 200 and "qualifiziert" in done.get_data(True)
    fresh = world.reload(lead)
    assert fresh.state == "qualified" and fresh.customer_phone == "+49 89 1234"
    assert client.post(path, data={"decision": "approve"}).status_code == 409  # once only


def test_an_agency_can_reject_and_a_wrong_token_is_refused(
    rt: Runtime, world: World, client: Any
) -> None:
    agency, contact = _agency(rt, language="en")
    _campaign(rt, name="callcenter", agency_id=agency)
    lead = world.lead(campaign="callcenter")
    path = _qualify_link(rt, lead.id)  # type: ignore[arg-type]
    pick_token = rt.signer.sign(LinkClaim(lead.id, contact, "pick"))  # type: ignore[arg-type]
    assert client.get(f"/q/{pick_token}").status_code == 404
    response = client.post(path, data={"decision": "reject", "note": "student homework"})
    assert "rejected" in response.get_data(True)
    fresh = world.reload(lead)
    assert fresh.state == "rejected" and fresh.qualify_note == "student homework"


def test_a_qualify_link_opened_as_an_action_link_goes_to_the_qualify_dialog(
    rt: Runtime, world: World, client: Any
) -> None:
    agency, contact = _agency(rt)
    _campaign(rt, name="callcenter", agency_id=agency)
    lead = world.lead(campaign="callcenter")
    token = rt.signer.sign(LinkClaim(lead.id, contact, "qualify"))  # type: ignore[arg-type]
    response = client.get(f"/a/{token}")
    assert response.status_code == 307 and response.headers["Location"].endswith(f"/q/{token}")
    assert world.reload(lead).state == "new"
    assert isinstance(world.reload(lead), Lead)
