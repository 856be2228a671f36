"""The staff decide on a registration: the partner manager's one-click email (GET shows,
POST acts) and the console; an approved registration is a lead like any other, its
feedback counted in the partner's KPIs."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.deals.register import register
from mailflow.actions.leads.feedback import feedback
from mailflow.models import Contact, Lead, Offer
from mailflow.models.schemas import DealIn, FeedbackIn
from mailflow.rules.passwords import hash_password
from tests.deals.conftest import Deals

DEAL = DealIn(customer_name="Jonas Weber", customer_company="Weber Haustechnik GmbH",
              customer_email="j.weber@weber-haustechnik.example", postal_code="70173",
              country="DE", requirement="Two heat pumps", value="42000")  # type: ignore[arg-type]  # fmt: skip


def _submitted(deals: Deals) -> int:
    deals.world.lead(customer_email="info@weber-haustechnik.example")  # a conflict
    with unit(deals.rt, f"contact:{deals.contact.id}", "web") as ctx:
        deal = register(ctx, deals.partner.id, deals.contact.id, DEAL)  # type: ignore[arg-type]
    assert deal.id is not None
    return deal.id


def _review_path(deals: Deals) -> str:
    (email,) = deals.emails("deal_review")
    return str(email.context["links"]["decide"]).removeprefix(deals.rt.settings.base_url)


def test_the_one_click_email_shows_the_conflicts_and_only_a_post_approves(
    client: Any, deals: Deals
) -> None:
    _submitted(deals)
    path = _review_path(deals)
    for _ in range(2):  # a mail scanner opens the link: nothing happens
        page = client.get(path)
        assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="de">' in html and "gleiche E-Mail-Domain" in html
    assert 'data-action="approve-deal"' in html
    assert deals.registrations()[0].state == "submitted"
    done = client.post(path, data={"decision": "approve", "note": "Passt."})
    assert done.status_code == 200 and 'data-testid="deal-done"' in done.get_data(as_text=True)
    (deal,) = deals.registrations()
    assert deal.state == "approved" and deal.decided_by == f"contact:{deals.manager.id}"
    assert deal.decided_at is not None and deal.exclusive_until == deal.decided_at + timedelta(90)
    assert client.post(path, data={"decision": "reject"}).status_code == 409
    assert deals.registrations()[0].state == "approved"


def test_an_approved_registration_reports_and_counts_like_any_lead(
    client: Any, deals: Deals
) -> None:
    _submitted(deals)
    client.post(_review_path(deals), data={"decision": "approve"})
    (deal,) = deals.registrations()
    with deals.rt.db.read() as s:
        offer = s.exec(select(Offer).where(Offer.lead_id == deal.lead_id)).one()
    with unit(deals.rt, f"contact:{deals.contact.id}", "web") as ctx:
        feedback(ctx, offer.id, deals.contact.id, FeedbackIn(stage="won", amount="41000"))  # type: ignore[arg-type]
    with deals.rt.db.read() as s:
        lead = s.get(Lead, deal.lead_id)
        assert lead is not None and lead.state == "won"
    key = deals.world.api_key(deals.partner.id)
    kpis = client.get("/api/v1/kpis", headers={"Authorization": f"Bearer {key}"}).get_json()
    (row,) = [r for r in kpis["rows"] if r["organization_id"] == deals.partner.id]
    assert (row["picked"], row["won"]) == (1, 1)


def _login(client: Any, deals: Deals) -> None:
    with deals.rt.db.transaction() as s:
        manager = s.get(Contact, deals.manager.id)
        assert manager is not None
        manager.password_hash = hash_password("correct horse battery")
    page = client.get("/console/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    answer = client.post("/console/login", data={"email": deals.manager.email,
                                                  "password": "correct horse battery",
                                                  "csrf": token.group(1)})  # fmt: skip
    assert answer.status_code == 302


def test_the_console_lists_a_registration_and_rejects_it_with_a_note(
    client: Any, deals: Deals
) -> None:
    deal_id = _submitted(deals)
    _login(client, deals)
    listing = client.get("/console/deals").get_data(as_text=True)
    assert f'data-deal="{deal_id}"' in listing and "Haustechnik Schwaben GmbH" in listing
    page = client.get(f"/console/deals/{deal_id}").get_data(as_text=True)
    assert 'data-kind="lead"' in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    note = "Kunde betreut bereits ein anderer Partner."
    answer = client.post(f"/console/deals/{deal_id}/decide",
                         data={"decision": "reject", "note": note,
                               "csrf": csrf.group(1)})  # fmt: skip
    assert answer.status_code == 302
    (deal,) = deals.registrations()
    assert (deal.state, deal.lead_id) == ("rejected", None)
    (told,) = deals.emails("deal_decided")
    assert told.to_addr == deals.contact.email
    assert told.context["reason"] == note


def test_the_console_shows_a_partner_manager_the_registrations_of_its_own_partners_only(
    client: Any, deals: Deals
) -> None:
    mine = _submitted(deals)
    other = deals.world.partner("Ulm", name="Fremdfirma Allgäu")
    stranger = deals.world.contacts(other.id)[0]  # type: ignore[arg-type]
    theirs = DEAL.model_copy(update={"customer_company": "Andere Kunde AG",
                                     "customer_email": "a@andere-kunde.example"})  # fmt: skip
    with unit(deals.rt, f"contact:{stranger.id}", "web") as ctx:
        foreign = register(ctx, other.id, stranger.id, theirs)  # type: ignore[arg-type]
    _login(client, deals)
    listing = client.get("/console/deals").get_data(as_text=True)
    assert f'data-deal="{mine}"' in listing and f'data-deal="{foreign.id}"' not in listing
    assert client.get(f"/console/deals/{foreign.id}").status_code == 404
    page = client.get(f"/console/deals/{mine}").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    refused = client.post(f"/console/deals/{foreign.id}/decide",
                          data={"decision": "approve", "csrf": csrf.group(1)})  # fmt: skip
    assert refused.status_code == 404
    assert {d.id: d.state for d in deals.registrations()}[foreign.id] == "submitted"
