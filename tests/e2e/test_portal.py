"""The partner's own page in headless Chromium at phone and desktop width: reached from
the "my leads" link of an email, one-click pick and status, installable (manifest, icons)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from mailflow.runtime import Runtime
from tests.e2e.conftest import Live
from tests.e2e.test_browser import ARTIFACTS, browser  # noqa: F401  (the module fixture)
from tests.factories import LEAD_DEFAULTS, World


def _portal_links(live: Live, world: World) -> dict[str, str]:
    """The "my leads" link of each partner's offer email, by recipient."""
    for city in ("Stuttgart", "Ulm"):
        world.partner(city)
    world.lead()
    live.queue.drain()
    links = {}
    for message in live.smtp.messages():
        found = re.search(r'href="([^"]+)"[^>]*data-action="portal"', message.part("html"))
        assert found, "every email carries the my-leads link"
        links[message.to[0]] = found.group(1)
    return links


def _lead_state(rt: Runtime) -> str:
    from sqlmodel import select

    from mailflow.models import Lead

    with rt.db.read() as s:
        return s.exec(select(Lead.state)).one()


@pytest.mark.parametrize(("width", "height", "name"), [(390, 844, "phone"), (1280, 900, "desktop")])
def test_a_partner_works_its_leads_from_its_own_page(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
    width: int,
    height: int,
    name: str,
) -> None:
    mine, theirs = list(_portal_links(live, world).values())[:2]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(mine)
    assert page.locator("h1").inner_text() == "My leads"
    assert LEAD_DEFAULTS["customer_email"] not in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"portal-open-{name}.png"), full_page=True)
    pick = page.locator('#open ~ section button[data-action="pick"]')
    assert pick.bounding_box()["width"] <= width  # type: ignore[index]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width  # nothing sticks out sideways on a phone
    with page.expect_navigation():
        pick.click()
    assert page.locator("h1").inner_text() == "The lead is yours"

    page.goto(mine)
    assert LEAD_DEFAULTS["customer_email"] in page.locator("#active ~ section").inner_text()
    with page.expect_navigation():
        page.locator('button[data-stage="contacted"]').click()
    assert page.url.startswith(mine)  # one click, back on the own page, which says so
    assert page.locator('[data-testid="portal-done"]').is_visible()
    assert page.locator("#active ~ section .state").inner_text() == "contacted"
    assert _lead_state(live.rt) == "contacted"
    page.screenshot(path=str(ARTIFACTS / f"portal-active-{name}.png"), full_page=True)
    page.locator('summary[data-stage="won"]').click()  # a win asks its amount first
    assert _lead_state(live.rt) == "contacted"
    with page.expect_navigation():
        page.locator('button[data-action="confirm-win"]').click()
    assert _lead_state(live.rt) == "won"
    assert "won" in page.locator("table.list").inner_text()
    assert page.locator("#active ~ section").count() == 0

    other = browser.new_page(viewport={"width": width, "height": height})
    other.goto(theirs)
    assert "taken" in other.locator("table.list").inner_text()
    assert LEAD_DEFAULTS["customer_email"] not in other.content()
    page.close()
    other.close()


def test_the_own_page_is_installable_as_a_web_app(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
) -> None:
    link = next(iter(_portal_links(live, world).values()))
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(link)
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    data = json.loads(manifest["data"])
    assert data["start_url"] == link.split(live.url, 1)[1]  # opens this contact's own page
    assert data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    # Chromium's own verdict; a Playwright context is always incognito, nothing else may fail
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert {e["errorId"] for e in errors} <= {"in-incognito"}, errors
    for size in ("192", "512"):
        icon = page.request.get(f"{live.url}/static/icons/icon-{size}.png")
        assert icon.ok and icon.headers["content-type"] == "image/png"
        assert icon.body()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.request.get(link.replace("/a/", "/a/x") + "/manifest.webmanifest").status == 404
    page.close()
