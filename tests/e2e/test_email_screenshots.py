"""The offer email as partners see it: real Chromium at desktop and phone width.

The email comes out of the real outbox over SMTP; its HTML part is loaded into the page
with the network cut off (only the logo could be remote, and this brand has none), and
the screenshots go to ``artifacts/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mailflow.actions.outbound import outbox
from mailflow.mail.capture import MailCapture
from mailflow.models import OutboundEmail
from mailflow.runtime import Runtime
from tests.conftest import make_settings
from tests.e2e.test_browser import ARTIFACTS, browser
from tests.factories import World

__all__ = ["browser"]


@pytest.fixture
def offer_html(tmp_path: Path, sqlite_url: str) -> Iterator[str]:
    """One database is enough for a picture: SQLite."""
    rt = Runtime(make_settings(tmp_path, sqlite_url))
    capture = MailCapture().start()
    rt.use_smtp(capture.url)
    try:
        world = World(rt)
        world.partner("Stuttgart", language="de")
        world.offered_lead(
            temperature="hot",
            requirement="Replace a 20-year-old oil boiler with a heat pump; <b>before winter</b>.",
        )
        with rt.db.read() as s:
            ids = [e.id for e in s.exec(select(OutboundEmail)) if e.id is not None]
        assert outbox.dispatch(rt, ids) == 1
        yield capture.messages()[0].part("html")
    finally:
        capture.stop()
        rt.close()


@pytest.mark.browser
@pytest.mark.parametrize(("width", "name"), [(1280, "desktop"), (375, "phone")])
def test_the_offer_email_renders_at_desktop_and_phone_width(
    browser: Any, offer_html: str, width: int, name: str
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, offline=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.set_content(offer_html, wait_until="load")
    assert requests == []  # no remote resource at all
    button = page.locator('a[data-action="pick"]')
    assert button.inner_text().strip() == "Lead übernehmen"
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width  # nothing sticks out sideways on a phone
    assert "<b>before winter</b>" in page.locator("body").inner_text()  # escaped, shown as text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"email-offer-{name}.png"), full_page=True)
    assert (ARTIFACTS / f"email-offer-{name}.png").stat().st_size > 10_000
    context.close()
