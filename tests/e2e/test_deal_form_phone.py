"""On a phone (390 px) in Chromium: a German partner registers a deal with the form on
"Meine Leads"; a French partner corrects and confirms what its forwarded email was read
as. Both pages fit the screen and submit to the staff."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.deals.register import draft
from mailflow.links.claims import DealClaim
from mailflow.models import Contact, DealRegistration
from mailflow.models.schemas import DealIn
from tests.e2e.conftest import Live
from tests.e2e.test_browser import ARTIFACTS, browser  # noqa: F401  (the module fixture)
from tests.factories import World

PHONE = {"width": 390, "height": 844}


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _deals(live: Live) -> list[DealRegistration]:
    with live.rt.db.read() as s:
        return list(s.exec(select(DealRegistration).order_by(col(DealRegistration.id))))


def test_a_german_partner_registers_a_deal_on_my_leads(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
) -> None:
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city, language="de")
    lead, _ = world.offered_lead()
    live.queue.drain()  # the worker may have offered it first: the offers, whoever made them
    offers = world.offers(lead.id)  # type: ignore[arg-type]
    contact = world.contacts(offers[0].organization_id)[0]
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=PHONE)
    page.goto(live.rt.link(offers[0].id, contact.id, "portal"))  # type: ignore[arg-type]
    with page.expect_navigation():
        page.locator('a[data-action="register-deal"]').click()
    assert page.locator("h1").inner_text() == "Projekt registrieren"
    page.get_by_label("Firma", exact=True).fill("Weber Haustechnik GmbH")
    page.get_by_label("Kunde", exact=True).fill("Jonas Weber")
    page.get_by_label("E-Mail", exact=True).fill("j.weber@weber-haustechnik.example")
    page.get_by_label("Bedarf", exact=True).fill("Zwei Wärmepumpen für ein Bürogebäude")
    page.get_by_label("Geschätzter Wert", exact=True).fill("42.000")
    _fits(page)
    page.screenshot(path=str(ARTIFACTS / "deal-form-phone-de.png"), full_page=True)
    with page.expect_navigation():
        page.locator('button[data-action="register-deal"]').click()
    notice = page.locator('[data-testid="deal-registered"]').inner_text()
    assert notice.startswith("Danke: Registrierung #")
    assert "eingereicht" in page.locator('[data-testid="deal-list"]').inner_text()
    _fits(page)
    (deal,) = _deals(live)
    assert (deal.state, deal.contact_id, str(deal.value)) == ("submitted", contact.id, "42000.00")
    page.close()


def test_a_french_partner_corrects_and_confirms_a_forwarded_deal(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
) -> None:
    partner = world.partner("Stuttgart", language="fr")
    with live.rt.db.read() as s:
        contact = s.exec(select(Contact).where(Contact.organization_id == partner.id)).one()
    with unit(live.rt, f"contact:{contact.id}", "email") as ctx:
        read = DealIn(customer_name="Claire Martin", customer_company="Batiment Sud",
                      customer_email="claire@batiment-sud.example", value="25000")  # type: ignore[arg-type]  # fmt: skip
        deal = draft(ctx, contact, read, inbound_email_id=None)
        deal_id = deal.id
    page = browser.new_page(viewport=PHONE)
    page.goto(live.rt.url(DealClaim(deal_id, contact.id, "open")))  # type: ignore[arg-type]
    assert page.locator("h1").inner_text().startswith("Enregistrement d'affaire")
    assert page.get_by_label("Société", exact=True).input_value() == "Batiment Sud"
    page.get_by_label("Société", exact=True).fill("Bâtiment Sud SARL")
    page.get_by_label("Téléphone", exact=True).fill("04 91 12 34 56")
    _fits(page)
    page.screenshot(path=str(ARTIFACTS / "deal-confirm-phone-fr.png"), full_page=True)
    with page.expect_navigation():
        page.locator('button[data-action="confirm-deal"]').click()
    assert page.locator('[data-testid="deal-done"]').inner_text().startswith("Merci")
    _fits(page)
    (stored,) = _deals(live)
    assert (stored.state, stored.customer_company) == ("submitted", "Bâtiment Sud SARL")
    assert stored.customer_phone == "04 91 12 34 56"
    page.close()
