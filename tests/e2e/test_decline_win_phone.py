"""On a phone (390 px), in German: the decline dialog asks for a reason (none chosen
beforehand, "Sonstiges" opens a text field), and "gewonnen" on the partner's own page asks
the amount before the win is recorded."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from mailflow.models import Feedback, Offer
from tests.e2e.conftest import Live
from tests.e2e.test_browser import ARTIFACTS, browser  # noqa: F401  (the module fixture)
from tests.factories import World

PHONE = {"width": 390, "height": 844}


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_decline_and_win_on_a_phone_in_german(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
) -> None:
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city, language="de")
    # the live worker distributes the lead itself: wait for it, then read its offers
    lead = world.lead(value="18500", currency="EUR")
    live.queue.drain()
    offers = world.offers(lead.id)  # type: ignore[arg-type]
    rt = live.rt
    first, second = offers[0], offers[1]
    c1 = world.contacts(first.organization_id)[0]
    c2 = world.contacts(second.organization_id)[0]
    ARTIFACTS.mkdir(exist_ok=True)

    page = browser.new_page(viewport=PHONE)
    page.goto(rt.link(first.id, c1.id, "decline"))  # type: ignore[arg-type]
    assert page.locator("h1").inner_text() == "Diesen Lead ablehnen"
    assert page.locator('input[name="reason"]:checked').count() == 0
    assert not page.locator("#reason_text").is_visible()
    page.locator('button[data-action="decline"]').click()  # no reason: the browser asks
    assert page.locator("h1").inner_text() == "Diesen Lead ablehnen"
    page.get_by_label("Sonstiges").check()
    assert page.locator("#reason_text").is_visible()
    page.locator("#reason_text").fill("Wir montieren nur Gewerbeanlagen")
    _fits(page)
    page.screenshot(path=str(ARTIFACTS / "decline-phone-de.png"), full_page=True)
    with page.expect_navigation():
        page.locator('button[data-action="decline"]').click()
    assert "Andere Partner haben dieses Angebot noch" in page.inner_text("body")
    with rt.db.read() as s:
        declined = s.get(Offer, first.id)
        assert declined is not None and declined.reason == "Wir montieren nur Gewerbeanlagen"

    page.goto(rt.link(second.id, c2.id, "pick"))  # type: ignore[arg-type]
    with page.expect_navigation():
        page.locator('button[data-action="pick"]').click()
    assert (
        page.locator('a[data-action="call"]').get_attribute("href", timeout=2000).startswith("tel:")
    )
    with page.expect_navigation():
        page.locator('a[data-action="portal"]').click()
    assert page.locator("h1").inner_text() == "Meine Leads"
    amount = page.locator('input[name="amount"]')
    assert not amount.is_visible()
    page.locator('summary[data-stage="won"]').click()
    assert amount.is_visible() and amount.input_value().startswith("18500")
    assert world.reload(lead).state == "picked"  # nothing recorded by the tap alone
    amount.fill("19.250")
    _fits(page)
    page.screenshot(path=str(ARTIFACTS / "portal-win-phone-de.png"), full_page=True)
    with page.expect_navigation():
        page.locator('button[data-action="confirm-win"]').click()
    assert "Gespeichert" in page.locator('[data-testid="portal-done"]').inner_text()
    assert world.reload(lead).state == "won"
    with rt.db.read() as s:
        report = s.exec(select(Feedback).where(Feedback.stage == "won")).one()
    assert str(report.amount) == "19250.00"
    page.close()
