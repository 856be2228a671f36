"""The demo's start page and mail capture in headless Chromium on a 390 px phone: no
horizontal overflow, a real title, and the capture's mail still there after a restart."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from mailflow.mail.capture import MailCapture
from mailflow.runtime import Runtime
from mailflow.web import create_app
from tests.e2e.conftest import Live
from tests.e2e.test_browser import ARTIFACTS, browser  # noqa: F401  (the fixture)
from tests.factories import World

LONG = "kaeltetechnik.sued.niederlassung.stuttgart-vaihingen@verylongdealerdomain.example"
OVERFLOW = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


def _phone(browser: Any, lang: str = "de") -> Any:  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale=lang)
    return context.new_page()


def test_the_start_page_fits_a_phone_in_the_visitors_language(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
) -> None:
    world.partner("Stuttgart")
    world.offered_lead()
    live.queue.drain()
    page = _phone(browser, "de-DE")
    page.goto(f"{live.url}/")
    assert page.title() == f"Die mailflow-Demo · {live.rt.brand()['name']}"
    assert page.locator("h1").inner_text() == "Die mailflow-Demo"
    assert not page.evaluate(OVERFLOW)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "demo-start-phone.png"), full_page=True)
    with page.expect_navigation():
        page.locator('a[data-place="partner"]').click()
    assert page.locator('button[data-action="pick"]').count() == 1  # the partner's own page
    assert not page.evaluate(OVERFLOW)
    favicon = page.request.get(f"{live.url}/favicon.ico")
    assert favicon.ok and favicon.headers["content-type"].startswith("image/svg+xml")


def test_the_capture_fits_a_phone_and_survives_a_restart(
    browser: Any,  # noqa: F811
    rt: Runtime,
    tmp_path: Path,
) -> None:
    store = tmp_path / "mail-capture.jsonl"
    subject = "Neuer Lead: Wärmepumpe für ein Einfamilienhaus in Stuttgart-Vaihingen (heiß)"
    raw = (
        f"From: Nordwind Leads <leads@nordwind.example>\r\nReply-To: reply+{'x' * 60}@"
        f"reply.nordwind.example\r\nTo: {LONG}\r\nSubject: {subject}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Bitte öffnen: {rt.settings.base_url}/a/{'y' * 120}\r\n"
    ).encode()
    first = MailCapture(store=store)
    first.add([LONG], "bounce@reply.nordwind.example", raw)
    del first  # the demo stops …
    capture = MailCapture(store=store)  # … and starts again on the same data directory
    server = make_server("127.0.0.1", 0, create_app(rt, devmail=capture), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        page = _phone(browser)
        page.goto(f"{base}/dev/mail")
        assert page.title() == f"Mail-Postfach der Demo · {rt.brand()['name']}"
        assert subject in page.content() and "Antwort an" in page.content()
        assert not page.evaluate(OVERFLOW)
        page.screenshot(path=str(ARTIFACTS / "mail-capture-phone.png"), full_page=True)
        with page.expect_navigation():
            page.locator("ul.mails a").first.click()
        assert page.title().startswith(subject)
        assert "leads@nordwind.example" in page.locator("dl.facts").inner_text()
        assert not page.evaluate(OVERFLOW)
    finally:
        server.shutdown()
        thread.join(timeout=5)
