"""The template editor in real Chromium: typing updates the desktop and phone previews."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Live
from tests.e2e.test_browser import ARTIFACTS, browser
from tests.factories import World
from tests.integration.test_console import PASSWORD, _user

__all__ = ["browser"]


@pytest.mark.browser
def test_typing_in_the_editor_updates_both_previews(browser: Any, live: Live, world: World) -> None:
    _user(live.rt, world)
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live.url}/console/login?next=/console/templates/offer")
    page.fill('input[name="email"]', "ops@nordwind.test")
    page.fill('input[name="password"]', PASSWORD)
    with page.expect_navigation():
        page.locator('button[type="submit"]').click()
    assert page.url.endswith("/console/templates/offer")
    desktop, phone = page.frame("preview-desktop"), page.frame("preview-phone")
    assert desktop is not None and phone is not None
    desktop.wait_for_selector('a[data-action="pick"]')
    assert phone.evaluate("document.documentElement.clientWidth") <= 375
    source = page.locator('textarea[name="body_mjml"]')
    source.fill(source.input_value().replace('_("Pick this lead")', '"Grab it now"'))
    phone_frame = page.frame("preview-phone")
    assert phone_frame is not None
    phone_frame.wait_for_selector("text=Grab it now", timeout=10_000)
    desktop_frame = page.frame("preview-desktop")
    assert desktop_frame is not None
    desktop_frame.wait_for_selector("text=Grab it now", timeout=10_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "template-editor.png"), full_page=True)
    source.fill(source.input_value() + "{{ secret_field }}")
    page.frame("preview-desktop").wait_for_selector(  # type: ignore[union-attr]
        "text=unknown variable(s) secret_field", timeout=10_000
    )
    assert not [e for e in errors if "Content Security Policy" in e]
    page.close()
