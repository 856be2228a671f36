"""A "did you mean …?" email's choice, clicked in real headless Chromium on a phone."""

from __future__ import annotations

import re
from typing import Any

from mailflow.actions.inbound.store import store_raw
from mailflow.inbound.process import process
from tests.e2e.conftest import Live
from tests.e2e.test_browser import ARTIFACTS, browser  # noqa: F401 (the fixture)
from tests.factories import World
from tests.mail import reply


def test_a_german_partner_chooses_what_their_reply_meant_on_a_phone(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
) -> None:
    world.partner("Stuttgart", language="de")
    # the live worker distributes the lead itself: wait for it, then read its offers
    lead = world.lead()
    live.queue.drain()
    offers = world.offers(lead.id)  # type: ignore[arg-type]
    contact = world.contacts(offers[0].organization_id)[0]
    live.smtp.clear()
    key = live.rt.reply_key(offers[0].id, contact.id)  # type: ignore[arg-type]
    to = f"reply+{key}@{live.rt.settings.inbound_domain}"
    raw = reply("Vielleicht nehmen wir ihn.", to=to, sender=contact.email)
    stored = store_raw(live.rt, raw, channel="smtp", mail_from=contact.email, rcpt_to=[to])
    assert process(live.rt, stored).state == "asked"  # type: ignore[union-attr]
    live.queue.drain()
    (question,) = [m for m in live.smtp.messages() if "Meinten Sie" in m.subject]
    link = re.findall(r'href="(http[^"]+/r/[^"]+)"', question.part("html"))[0]

    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(link)
    assert page.evaluate("document.documentElement.lang") == "de"
    assert (
        "Vielleicht nehmen wir ihn." in page.locator('[data-testid="partner-words"]').inner_text()
    )
    button = page.locator('button[data-action="confirm"]')
    assert button.inner_text() == "Ja: übernehmen"
    assert button.bounding_box()["width"] <= 390  # type: ignore[index]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    with page.expect_navigation():
        button.click()
    assert page.locator("h1").inner_text() == "Vielen Dank"
    assert page.locator('[data-testid="choice-done"]').inner_text() == "Erfasst: übernehmen"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "did-you-mean-done-phone.png"), full_page=True)
    assert world.reload(lead).state == "picked"
    page.close()
