"""The matcher's explanation page and the manual override, in real headless Chromium."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mailflow.runtime import Runtime
from tests.e2e.conftest import Live
from tests.e2e.test_browser import ARTIFACTS, browser  # noqa: F401  (the fixture)
from tests.factories import World
from tests.integration.test_console import PASSWORD, _user


def test_a_partner_manager_reads_the_ranking_and_offers_to_a_chosen_partner(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
    rt: Runtime,
) -> None:
    rt.settings = rt.settings.with_(ring_size=2)
    best = world.partner("Stuttgart", name="Kälte Klein", level="premium",
                         product_lines=["Heat pump"], languages=["de"])  # fmt: skip
    second = world.partner("Ulm", name="Wärme Weit")
    away = world.partner("Stuttgart", name="Im Urlaub")
    assert away.id is not None
    world.pause(away.id, rt.clock.now() + timedelta(days=7))
    spare = world.partner("Hamburg", name="Nordlicht")
    lead = world.lead()
    live.queue.drain()
    _user(rt, world, role="partner_manager")

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live.url}/console/leads/{lead.id}/matching")
    page.fill("input[name=email]", "ops@nordwind.test")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    assert page.locator("h1").inner_text().startswith(f"Matching for lead #{lead.id}")

    excluded = {
        row.get_attribute("data-org"): row.locator(".why").inner_text()
        for row in page.locator("#excluded tr[data-org]").all()
    }
    assert excluded[str(best.id)] == "already offered this lead"
    assert excluded[str(second.id)] == "already offered this lead"
    assert excluded[str(away.id)].startswith("away until")
    row = page.locator(f'#candidates tr[data-org="{spare.id}"]')
    assert "Nordlicht" in row.inner_text()
    assert float(row.locator(".score").inner_text()) > 0
    assert "km" in row.locator('[data-criterion="distance"]').inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "matching-explanation.png"), full_page=True)

    row.locator("input[type=checkbox]").check()
    with page.expect_navigation():
        page.locator('button[data-action="offer-chosen"]').click()
    assert page.locator("h1").inner_text().startswith(f"Lead #{lead.id}")
    assert "Nordlicht" in page.content()
    assert spare.id in [o.organization_id for o in world.offers(lead.id)]  # type: ignore[arg-type]
    page.close()
