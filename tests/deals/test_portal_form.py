"""The short form on "My leads": a partner registers a deal it found, sees its
registrations, and finds its own forwarding address."""

from __future__ import annotations

from typing import Any

from mailflow.runtime import Runtime
from tests.deals.conftest import Deals


def _portal(rt: Runtime, deals: Deals) -> str:
    """The partner's own page (a portal link rides on one of its offers)."""
    _, offers = deals.world.offered_lead()
    offer = next(o for o in offers if o.organization_id == deals.partner.id)
    return rt.link(offer.id, deals.contact.id, "portal").removeprefix(rt.settings.base_url)  # type: ignore[arg-type]


def test_the_form_on_my_leads_registers_a_deal_for_the_contact(
    client: Any, rt: Runtime, deals: Deals
) -> None:
    portal = _portal(rt, deals)
    assert f'href="{portal}/deals"' in client.get(portal).get_data(as_text=True)
    page = client.get(f"{portal}/deals").get_data(as_text=True)
    key = rt.signer.deal_key(deals.contact.id)  # type: ignore[arg-type]
    assert f"deals+{key}@reply.mailflow.test" in page and "Projekt registrieren" in page
    empty = client.post(f"{portal}/deals", data={"requirement": "Etwas"})
    assert empty.status_code == 422 and "Bitte nennen Sie den Kunden" in empty.get_data(
        as_text=True
    )
    form = {"customer_company": "Weber Haustechnik GmbH", "customer_email": "j.weber@weber.example",
            "value": "12.500,50", "currency": "EUR"}  # fmt: skip
    answer = client.post(f"{portal}/deals", data=form)
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert 'data-testid="deal-registered"' in html and 'data-deal="' in html
    (deal,) = deals.registrations()
    assert (deal.state, deal.channel, deal.contact_id) == ("submitted", "web", deals.contact.id)
    assert str(deal.value) == "12500.50" and deal.customer_domain == "weber.example"
    assert [e.to_addr for e in deals.emails("deal_review")] == [deals.manager.email]
