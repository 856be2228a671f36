"""Onboarding on a phone (390 px) in Chromium, in German and in French: the staff invite a
partner in the console (a real login), the partner opens the invitation email's link,
accepts the terms and the data-processing agreement, keeps its profile, names a colleague
and joins; the next lead is offered to it and it picks it, nobody at the manufacturer
touching anything in between. Nothing sticks out sideways."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.partners.terms import publish_terms
from mailflow.models import Lead, Organization
from tests.e2e.conftest import Live
from tests.e2e.test_browser import ARTIFACTS, browser  # noqa: F401  (the module fixture)
from tests.factories import World
from tests.integration.test_console import PASSWORD, _user

PHONE = {"width": 390, "height": 844}
WORDS = {
    "de": {"title": "Willkommen, Solar Süd GmbH", "joined": "Sie sind dabei",
           "terms": "Wir akzeptieren die Partnerbedingungen.",
           "dpa": "Wir akzeptieren den Auftragsverarbeitungsvertrag.",
           "text": "Der Partner beantwortet Angebote"},
    "fr": {"title": "Bienvenue, Solar Süd GmbH", "joined": "Vous avez rejoint le réseau",
           "terms": "Nous acceptons les conditions du partenariat.",
           "dpa": "Nous acceptons l'accord de traitement des données.",
           "text": "Le partenaire répond aux offres"},
}  # fmt: skip
TEXTS = {
    "terms": {"en": "The partner answers offers in time.",
              "de": "Der Partner beantwortet Angebote fristgerecht.",
              "fr": "Le partenaire répond aux offres dans les délais."},
    "dpa": {"en": "Customer data serves the lead only."},
}  # fmt: skip


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _staff_invites(page: Any, live: Live, language: str) -> None:
    page.goto(f"{live.url}/console/login")
    page.locator('input[name="email"]').fill("ops@nordwind.test")
    page.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        page.locator('button[type="submit"]').first.click()
    page.goto(f"{live.url}/console/invitations")
    _fits(page)
    page.locator("#partner_name").fill("Solar Süd GmbH")
    page.locator("#country").fill("DE")
    page.locator("#city").fill("Stuttgart")
    page.locator("#contact-name").fill("Mara Süd")
    page.locator("#email").fill("mara@solar-sued.example")
    page.locator("#language").select_option(language)
    with page.expect_navigation():
        page.locator('button[data-action="invite-partner"]').click()
    assert page.locator('tr[data-state="invited"]').count() == 1
    _fits(page)


@pytest.mark.parametrize("language", ["de", "fr"])
def test_a_partner_invited_in_the_console_joins_on_a_phone_and_picks_its_first_lead(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
    language: str,
) -> None:
    words = WORDS[language]
    _user(live.rt, world, role="ops")
    with unit(live.rt, "console:1", "console") as ctx:
        for kind, texts in TEXTS.items():
            publish_terms(ctx, kind, texts)
    staff = browser.new_page(viewport=PHONE)
    _staff_invites(staff, live, language)
    staff.close()
    live.queue.drain()
    [mail] = live.smtp.messages()
    assert mail.to == ["mara@solar-sued.example"]
    link = re.search(r'href="([^"]+/join/[^"]+)"', mail.part("html"))
    assert link

    page = browser.new_page(viewport=PHONE)
    page.goto(link.group(1))
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text() == words["title"]
    assert words["text"] in page.locator('[data-terms="terms"]').inner_text()
    _fits(page)
    page.get_by_label(words["terms"]).check()
    page.get_by_label(words["dpa"]).check()
    page.locator("#product_lines").fill("Heat pump 12 kW")
    page.locator("#territory").fill("DE-7")
    page.locator("#colleague-name").fill("Jonas Süd")
    page.locator("#colleague-email").fill("jonas@solar-sued.example")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"join-phone-{language}.png"), full_page=True)
    join = page.locator('button[data-action="join"]')
    assert join.bounding_box()["width"] <= PHONE["width"]  # type: ignore[index]
    with page.expect_navigation():
        join.click()
    assert words["joined"] in page.locator('[data-testid="joined"]').inner_text()
    _fits(page)

    lead = world.lead()
    live.queue.drain()
    offers = [m for m in live.smtp.messages()
              if m.message["X-Mailflow-Kind"] == "offer"]  # fmt: skip
    assert [m.to for m in offers] == [["mara@solar-sued.example"]]
    pick = re.search(r'href="([^"]+)"[^>]*data-action="pick"', offers[0].part("html"))
    assert pick
    page.goto(pick.group(1))
    _fits(page)
    with page.expect_navigation():
        page.locator('button[data-action="pick"]').click()
    with live.rt.db.read() as s:
        org = s.exec(select(Organization).where(Organization.name == "Solar Süd GmbH")).one()
        got = s.get(Lead, lead.id)
        assert org.active and got is not None and got.owner_id == org.id
