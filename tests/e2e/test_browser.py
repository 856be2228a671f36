"""The dialogs in real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Live
from tests.factories import LEAD_DEFAULTS, World
from tests.services import CHROMIUM, require

ARTIFACTS = Path(
    os.environ.get("MAILFLOW_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts")
)
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def _offer_links(live: Live, world: World, language: str = "en") -> list[str]:
    for city in ("Stuttgart", "Ulm"):
        world.partner(city, language=language)
    world.lead()
    live.queue.drain()
    return [
        re.search(r'href="([^"]+)"[^>]*data-action="pick"', m.part("html")).group(1)  # type: ignore[union-attr]
        for m in live.smtp.messages()
    ]


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (390, 844, "phone")])
def test_a_partner_picks_and_reports_won_in_the_browser(
    browser: Any, live: Live, world: World, width: int, height: int, name: str
) -> None:
    links = _offer_links(live, world)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(links[0])
    assert page.locator("h1").inner_text().startswith("New lead")
    assert LEAD_DEFAULTS["customer_email"] not in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"pick-dialog-{name}.png"), full_page=True)
    button = page.locator('button[data-action="pick"]')
    assert button.bounding_box()["width"] <= width  # type: ignore[index]
    with page.expect_navigation():
        button.click()
    assert page.locator("h1").inner_text() == "The lead is yours"
    assert LEAD_DEFAULTS["customer_email"] in page.content()
    with page.expect_navigation():
        page.locator('a[data-action="feedback"]').click()
    page.select_option("#stage", "won")
    page.fill("#amount", "12,500")
    with page.expect_navigation():
        page.locator('button[data-action="feedback"]').click()
    assert "won" in page.locator(".notice").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"feedback-done-{name}.png"), full_page=True)

    other = browser.new_page(viewport={"width": width, "height": height})
    other.goto(links[1])
    response = other.goto(links[1])
    assert response.status == 409 and "already taken" in other.locator("h1").inner_text()
    page.close()
    other.close()


def test_a_german_partner_sees_the_dialog_in_german(browser: Any, live: Live, world: World) -> None:
    links = _offer_links(live, world, language="de")
    page = browser.new_page()
    page.goto(links[0])
    assert page.locator('button[data-action="pick"]').inner_text() == "Lead übernehmen"
    assert page.evaluate("document.documentElement.lang") == "de"
    page.close()
