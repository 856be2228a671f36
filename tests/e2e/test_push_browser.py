"""The partner's own page in headless Chromium at phone width: "Allow notifications"
appears where the browser can receive push messages, in the contact's language, and its
service worker registers; a browser without the Push API never sees the button."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlmodel import select

from mailflow.models import OutboundEmail, PushSubscription
from mailflow.push import payload
from tests.e2e.conftest import Live
from tests.e2e.test_browser import ARTIFACTS, browser  # noqa: F401  (the module fixture)
from tests.factories import World

PHONE = {"width": 390, "height": 844}
# the notifications the worker shows, once there are some (waits up to 10 s)
NOTIFICATIONS = """async () => {
    const found = await navigator.serviceWorker.getRegistration("/portal/");
    for (let tries = 0; tries < 200; tries++) {
        const shown = await found.getNotifications();
        if (shown.length) {
            return shown.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url}));
        }
        await new Promise(resolve => setTimeout(resolve, 50));
    }
    return [];
}"""
WORKER_ACTIVE = """async () => {
    const found = await navigator.serviceWorker.getRegistration("/portal/");
    return Boolean(found && found.active);
}"""


def _subscriptions(live: Live) -> int:
    with live.rt.db.read() as s:
        return len(s.exec(select(PushSubscription)).all())


def _my_leads(live: Live, world: World) -> str:
    world.partner("Stuttgart", language="de")
    world.lead()
    live.queue.drain()
    [offer] = live.smtp.messages()
    found = re.search(r'href="([^"]+)"[^>]*data-action="portal"', offer.part("html"))
    assert found
    return found.group(1)


def test_a_phone_with_push_is_offered_notifications_on_the_own_page(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
) -> None:
    link = _my_leads(live, world)
    context = browser.new_context(viewport=PHONE, permissions=["notifications"])
    page = context.new_page()
    page.goto(link)
    button = page.locator('[data-action="allow-notifications"]')
    button.wait_for(state="visible")
    assert button.inner_text() == "Benachrichtigungen erlauben"
    assert "auf diesem Gerät" in page.locator('[data-push-state="off"]').inner_text()
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.wait_for_function(WORKER_ACTIVE)  # the worker that will show the notifications
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal-push-phone.png"))

    # Playwright's contexts are incognito, where Chromium has no push service: the page
    # says it did not work, and nothing is stored (the subscription path is tests/push/)
    button.click()
    page.locator('[data-push-state="failed"]').wait_for(state="visible")
    assert button.is_enabled()
    assert _subscriptions(live) == 0
    context.close()


def test_the_service_worker_shows_an_offers_notification_with_the_emails_link(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
) -> None:
    """The message a push service would hand over, decrypted: the payload the server builds
    for the offer email, delivered to the worker through Chromium's DevTools protocol."""
    link = _my_leads(live, world)
    with live.rt.db.read() as s:
        email = s.exec(select(OutboundEmail).where(OutboundEmail.kind == "offer")).one()
    message = payload.notification(email.kind, email.language, email.context, email.lead_id)
    context = browser.new_context(viewport=PHONE, permissions=["notifications"])
    page = context.new_page()
    page.goto(link)
    page.wait_for_function(WORKER_ACTIVE)
    cdp = context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(200):  # the registration's event arrives a moment later
        if registrations:
            break
        page.wait_for_timeout(50)
    worker = next(r for r in registrations if r["scopeURL"] == f"{live.url}/portal/")
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live.url,
            "registrationId": worker["registrationId"],
            "data": json.dumps(message),
        },
    )
    shown = page.evaluate(NOTIFICATIONS)
    pick = re.search(r'href="([^"]+)"[^>]*data-action="pick"', live.smtp.messages()[0].part("html"))
    assert pick
    [note] = shown
    assert note["title"] == "Neues Lead-Angebot"
    assert note["body"].startswith(f"Lead #{email.lead_id} wird Ihnen angeboten.")
    assert note["tag"] == f"offer-{email.lead_id}"
    assert note["url"] == pick.group(1)  # what a tap opens: the email's own pick link
    context.close()


def test_a_browser_without_push_sees_no_notification_button(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
) -> None:
    link = _my_leads(live, world)
    context = browser.new_context(viewport=PHONE)
    context.add_init_script("delete window.PushManager;")
    page = context.new_page()
    page.goto(link)
    page.wait_for_load_state("load")  # the deferred script has run
    assert page.locator("h1").inner_text() == "Meine Leads"
    assert not page.locator('[data-testid="push"]').is_visible()
    context.close()
