"""The partner's profile on a phone (390 px) in Chromium, in German and in French: opened
from the footer of an offer email, edited and saved, nothing sticking out sideways."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from mailflow.models import AwayPeriod, Organization
from tests.e2e.conftest import Live
from tests.e2e.test_browser import ARTIFACTS, browser  # noqa: F401  (the module fixture)
from tests.factories import World

PHONE = {"width": 390, "height": 844}
WORDS = {
    "de": {"title": "Unser Profil", "saved": "Gespeichert", "monday": "Montag",
           "pause": "Angebote für unsere Firma pausieren", "paused": "pausiert"},
    "fr": {"title": "Notre profil", "saved": "Enregistré", "monday": "lundi",
           "pause": "Mettre en pause les offres", "paused": "en pause"},
}  # fmt: skip


def _profile_link(live: Live, world: World, language: str) -> tuple[str, int]:
    org = world.partner("Stuttgart", language=language, territory=["DE-7", "DE-8"])
    world.lead()
    live.queue.drain()
    [message] = live.smtp.messages()
    found = re.search(r'href="([^"]+)"[^>]*data-action="profile"', message.part("html"))
    assert found, "the offer's footer links to the profile"
    assert org.id is not None
    return found.group(1), org.id


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("language", ["de", "fr"])
def test_a_partner_edits_its_profile_on_a_phone(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
    language: str,
) -> None:
    words = WORDS[language]
    link, org_id = _profile_link(live, world, language)
    page = browser.new_page(viewport=PHONE)
    page.goto(link)
    assert page.locator("h1").inner_text() == words["title"]
    assert page.locator("html").get_attribute("lang") == language
    _fits(page)
    page.locator("#expertise").fill("Wärmepumpen, Photovoltaik")
    page.locator("#capacity").fill("6")
    page.locator("#territory").fill("DE-70-72")
    page.get_by_label(words["monday"]).check()
    page.locator("#start").fill("07:30")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"profile-phone-{language}.png"), full_page=True)
    save = page.locator('button[data-action="save-profile"]')
    assert save.bounding_box()["width"] <= PHONE["width"]  # type: ignore[index]
    with page.expect_navigation():
        save.click()
    assert words["saved"] in page.locator('[data-testid="profile-saved"]').inner_text()
    _fits(page)
    with live.rt.db.read() as s:
        org = s.get(Organization, org_id)
        assert org is not None
        assert org.expertise == ["Wärmepumpen", "Photovoltaik"]
        assert (org.capacity, org.territory) == (6, ["DE-70", "DE-71", "DE-72"])
        assert org.business_hours["days"] == [0] and org.business_hours["start"] == "07:30"


@pytest.mark.parametrize("language", ["de", "fr"])
def test_a_partner_pauses_its_offers_on_a_phone(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
    language: str,
) -> None:
    words = WORDS[language]
    link, _ = _profile_link(live, world, language)
    today = live.rt.clock.now().date()
    page = browser.new_page(viewport=PHONE)
    page.goto(link)
    page.locator("#first_day").fill(today.isoformat())
    page.locator("#last_day").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label(words["pause"]).check()
    with page.expect_navigation():
        page.locator('button[data-action="add-away"]').click()
    period = page.locator("section[data-period]")
    assert words["paused"] in period.inner_text()
    assert period.locator('button[data-action="end-away"]').is_visible()
    _fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"profile-away-phone-{language}.png"), full_page=True)
    with live.rt.db.read() as s:
        [planned] = s.exec(select(AwayPeriod)).all()
        assert planned.stand_in_id is None


KEPT = {
    "de": ("Gespeicherte personenbezogene Daten unserer Kontakte", "Vor- und Nachname", "Zeitzone"),
    "fr": ("Données personnelles conservées de nos contacts", "Prénom et nom", "Fuseau horaire"),
}


@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_contacts_personal_data_on_file_reads_on_a_phone(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
    language: str,
) -> None:
    title, name, zone = KEPT[language]
    link, _ = _profile_link(live, world, language)
    page = browser.new_page(viewport=PHONE)
    page.goto(link)
    heading = page.locator("h2#personal-data")
    heading.evaluate("h => h.scrollIntoView()")
    assert heading.inner_text() == title
    [kept] = page.locator("section[data-kept]").all()
    assert name in kept.inner_text() and zone in kept.inner_text()
    assert kept.locator('[data-testid="browsers"]').inner_text() == "0"
    box = kept.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    _fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"profile-kept-phone-{language}.png"))
