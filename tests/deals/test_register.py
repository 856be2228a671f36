"""Deal registration by API: stored with its conflicts, the staff asked, and an approval
that makes it a lead owned by the partner for the campaign's exclusivity window."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.deals.decide import CustomerTaken, approve, reject
from mailflow.actions.errors import WrongState
from mailflow.actions.leads.pick import pick
from mailflow.models import Campaign, CustomerLink, Event, Lead, Offer
from mailflow.runtime import Runtime
from tests.deals.conftest import Deals

DEAL = {
    "customer_name": "Jonas Weber",
    "customer_company": "Weber Haustechnik GmbH",
    "customer_email": "j.weber@weber-haustechnik.example",
    "customer_phone": "+49 711 987654",
    "requirement": "Two heat pumps for a new office building.",
    "postal_code": "70173",
    "city": "Stuttgart",
    "country": "DE",
    "value": "42000",
}


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_partner_registers_a_deal_by_api_and_its_manager_is_asked(
    client: Any, deals: Deals
) -> None:
    key = deals.world.api_key(deals.partner.id)
    answer = client.post("/api/v1/deal-registrations", json=DEAL, headers=_auth(key))
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["state"] == "submitted" and body["channel"] == "api"
    assert body["organization_id"] == deals.partner.id and body["conflicts"] == []
    assert answer.headers["Location"].endswith(f"/api/v1/deal-registrations/{body['id']}")
    read = client.get(answer.headers["Location"], headers=_auth(key)).get_json()
    assert read["customer_company"] == "Weber Haustechnik GmbH" and read["value"] == "42000.00"
    (review,) = deals.emails("deal_review")
    assert review.to_addr == "pm@nordwind.test" and review.language == "de"


def test_the_api_refuses_a_manufacturer_key_and_a_registration_without_a_customer(
    client: Any, deals: Deals
) -> None:
    own = deals.world.api_key()
    assert client.post("/api/v1/deal-registrations", json=DEAL,
                       headers=_auth(own)).status_code == 403  # fmt: skip
    key = deals.world.api_key(deals.partner.id)
    nameless = {"requirement": "Something", "customer_phone": "+49 1"}
    answer = client.post("/api/v1/deal-registrations", json=nameless, headers=_auth(key))
    assert answer.status_code == 422 and deals.registrations() == []
    other = deals.world.partner("Ulm")
    theirs = _register(client, deals.world.api_key(other.id))
    assert client.get(f"/api/v1/deal-registrations/{theirs}",
                      headers=_auth(key)).status_code == 404  # fmt: skip


def _register(client: Any, key: str, **fields: Any) -> int:
    answer = client.post("/api/v1/deal-registrations", json={**DEAL, **fields},
                         headers=_auth(key))  # fmt: skip
    assert answer.status_code == 201, answer.get_json()
    return int(answer.get_json()["id"])


def test_conflicts_name_open_and_won_leads_other_registrations_and_known_customers(
    client: Any, rt: Runtime, deals: Deals
) -> None:
    open_lead = deals.world.lead(customer_email="einkauf@weber-haustechnik.example",
                                 customer_company="Other name")  # fmt: skip
    won = deals.world.lead(customer_email="x@elsewhere.example",
                           customer_company=" weber haustechnik GMBH ")  # fmt: skip
    lost = deals.world.lead(customer_email="y@weber-haustechnik.example")
    with rt.db.transaction() as s:
        for lead_id, state in ((won.id, "won"), (lost.id, "lost")):
            row = s.get(Lead, lead_id)
            assert row is not None
            row.state = state
        s.add(CustomerLink(organization_id=deals.partner.id, customer_external_id="K-77",
                           created_at=rt.clock.now()))  # fmt: skip
    other = deals.world.partner("Ulm")
    first = _register(client, deals.world.api_key(other.id), customer_email="a@gmail.com")
    second = _register(client, deals.world.api_key(deals.partner.id), customer_external_id="K-77")
    found = client.get(f"/api/v1/deal-registrations/{second}",
                       headers=_auth(deals.world.api_key())).get_json()["conflicts"]  # fmt: skip
    by_kind = {(c["kind"], c["id"]): c["match"] for c in found}
    assert by_kind[("lead", open_lead.id)] == ["domain"]
    assert by_kind[("lead", won.id)] == ["company"]
    assert ("lead", lost.id) not in by_kind  # a lost customer stands in nobody's way
    assert by_kind[("registration", first)] == ["company"]  # a freemail domain says nothing
    assert [c["kind"] for c in found if c["match"] == ["customer_id"]] == ["customer"]
    own = client.get(f"/api/v1/deal-registrations/{second}",
                     headers=_auth(deals.world.api_key(deals.partner.id))).get_json()  # fmt: skip
    assert own["conflicts"] == []  # other partners' leads are the staff's to weigh


def test_approval_makes_a_lead_owned_by_the_partner_until_the_exclusivity_ends(
    client: Any, rt: Runtime, deals: Deals
) -> None:
    with rt.db.transaction() as s:
        s.add(Campaign(name="Heat 2027", exclusivity_days=60, created_at=rt.clock.now()))
    deal_id = _register(client, deals.world.api_key(deals.partner.id), campaign="Heat 2027")
    with unit(rt, "console:1", "console") as ctx:
        approve(ctx, deal_id, "good catch")
    (deal,) = deals.registrations()
    assert deal.state == "approved" and deal.lead_id is not None
    assert deal.decided_at is not None
    assert deal.exclusive_until == deal.decided_at + timedelta(days=60)
    with rt.db.read() as s:
        lead = s.get(Lead, deal.lead_id)
        assert lead is not None
        assert (lead.state, lead.owner_id, lead.source) == ("picked", deals.partner.id,
                                                            "deal_registration")  # fmt: skip
        assert lead.customer_email == DEAL["customer_email"] and lead.campaign == "Heat 2027"
        (offer,) = s.exec(select(Offer).where(Offer.lead_id == lead.id)).all()
        assert offer.state == "picked" and offer.organization_id == deals.partner.id
        kinds = [e.kind for e in s.exec(select(Event).where(Event.lead_id == lead.id))]
    assert "lead.assigned" in kinds and "deal.approved" in kinds
    (decided,) = deals.emails("deal_decided")
    assert decided.to_addr == deals.contact.email and decided.lead_id == deal.lead_id
    assert [e.to_addr for e in deals.emails("details")] == [deals.contact.email]


def test_a_registration_is_decided_once(client: Any, rt: Runtime, deals: Deals) -> None:
    deal_id = _register(client, deals.world.api_key(deals.partner.id))
    with unit(rt, "console:1", "console") as ctx:
        reject(ctx, deal_id, "already ours")
    with pytest.raises(WrongState), unit(rt, "console:1", "console") as ctx:
        approve(ctx, deal_id)
    (deal,) = deals.registrations()
    assert (deal.state, deal.lead_id, deal.decision_note) == ("rejected", None, "already ours")
    with rt.db.read() as s:
        assert s.exec(select(Lead)).all() == []


def test_approving_a_customer_another_partner_already_owns_is_refused_and_changes_nothing(
    client: Any, rt: Runtime, deals: Deals
) -> None:
    other = deals.world.partner("Ulm")
    lead, offers = deals.world.offered_lead(customer_email=DEAL["customer_email"])
    mine = next(o for o in offers if o.organization_id == other.id)
    with unit(rt, "test", "web") as ctx:
        pick(ctx, mine.id, deals.world.contacts(other.id)[0].id)  # type: ignore[arg-type]
    deal_id = _register(client, deals.world.api_key(deals.partner.id))
    (deal,) = deals.registrations()
    assert [(c["kind"], c["id"]) for c in deal.conflicts] == [("lead", lead.id)]
    with pytest.raises(CustomerTaken), unit(rt, "console:1", "console") as ctx:
        approve(ctx, deal_id)
    assert deals.registrations()[0].state == "submitted"
    assert deals.world.reload(lead).owner_id == other.id
    with rt.db.read() as s:  # the merge into the lead was rolled back with the refusal
        kinds = [e.kind for e in s.exec(select(Event).where(Event.lead_id == lead.id))]
    assert "lead.merged" not in kinds and "lead.assigned" not in kinds


def test_approving_a_customer_the_partner_already_owns_keeps_its_lead(
    client: Any, rt: Runtime, deals: Deals
) -> None:
    lead, offers = deals.world.offered_lead(customer_email=DEAL["customer_email"])
    own = next(o for o in offers if o.organization_id == deals.partner.id)
    with unit(rt, "test", "web") as ctx:
        pick(ctx, own.id, deals.contact.id)  # type: ignore[arg-type]
    deal_id = _register(client, deals.world.api_key(deals.partner.id))
    with unit(rt, "console:1", "console") as ctx:
        approve(ctx, deal_id)
    (deal,) = deals.registrations()
    assert (deal.state, deal.lead_id) == ("approved", lead.id)
    assert deals.world.reload(lead).owner_id == deals.partner.id
    with rt.db.read() as s:
        assert len(s.exec(select(Lead)).all()) == 1


def test_a_campaign_named_after_the_source_sets_the_window_of_registrations_without_one(
    client: Any, rt: Runtime, deals: Deals
) -> None:
    with rt.db.transaction() as s:
        s.add(Campaign(name="deal_registration", exclusivity_days=30, created_at=rt.clock.now()))
    deal_id = _register(client, deals.world.api_key(deals.partner.id))
    with unit(rt, "console:1", "console") as ctx:
        approve(ctx, deal_id)
    (deal,) = deals.registrations()
    assert deal.decided_at is not None
    assert deal.exclusive_until == deal.decided_at + timedelta(days=30)
