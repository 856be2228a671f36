"""The partner's page of a registration read from a forwarded email: GET shows what was
understood and changes nothing; the corrected form submits it to the staff."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mailflow.actions.inbound.store import store_raw
from mailflow.inbound.process import process
from tests.deals.conftest import Deals

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "eml" / "deal_forward_gmail_de.eml"


def _drafted(deals: Deals) -> str:
    """The path of the link the partner got."""
    raw = FIXTURE.read_bytes().replace(b"SENDER", deals.contact.email.encode())
    stored = store_raw(deals.rt, raw, channel="smtp", mail_from=deals.contact.email,
                       rcpt_to=["deals@reply.mailflow.test"])  # fmt: skip
    process(deals.rt, stored)
    (told,) = deals.emails("deal_understood")
    return str(told.context["links"]["deal"]).removeprefix(deals.rt.settings.base_url)


def test_the_page_shows_the_draft_in_the_partners_language_and_get_changes_nothing(
    client: Any, deals: Deals
) -> None:
    path = _drafted(deals)
    for _ in range(2):
        page = client.get(path)
        assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="de">' in html
    assert 'value="Weber Haustechnik GmbH"' in html and 'data-action="confirm-deal"' in html
    assert "Bestätigen und einreichen" in html
    (deal,) = deals.registrations()
    assert deal.state == "draft" and deals.emails("deal_review") == []


def test_the_corrected_form_submits_it_and_asks_the_staff(client: Any, deals: Deals) -> None:
    path = _drafted(deals)
    form = {"customer_name": "Jonas Weber", "customer_company": "Weber Haustechnik GmbH & Co. KG",
            "customer_email": "j.weber@weber-haustechnik.example", "customer_phone": "",
            "requirement": "Zwei Wärmepumpen", "value": "45.000", "currency": "EUR",
            "note": ""}  # fmt: skip
    bad = client.post(path, data={**form, "customer_email": "not an address"})
    assert bad.status_code == 422 and "Bitte prüfen: E-Mail" in bad.get_data(as_text=True)
    done = client.post(path, data=form)
    assert done.status_code == 200 and 'data-testid="deal-done"' in done.get_data(as_text=True)
    (deal,) = deals.registrations()
    assert deal.state == "submitted" and deal.customer_phone is None
    assert (
        deal.customer_company == "Weber Haustechnik GmbH & Co. KG" and str(deal.value) == "45000.00"
    )
    (review,) = deals.emails("deal_review")
    assert review.to_addr == deals.manager.email
    again = client.post(path, data=form)
    assert again.status_code == 409 and deals.emails("deal_review") == [review]
