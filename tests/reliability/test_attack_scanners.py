"""Mail security scanners open every link of every email — with a plain GET, a HEAD, or a
headless browser with or without JavaScript. None of it may change anything.

The app runs on a real port; the emails come through real SMTP; headless Chromium
(Debian's, driven by Playwright) opens each link with JavaScript off and on."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from itsdangerous import URLSafeSerializer
from werkzeug.serving import make_server

from mailflow.actions import unit
from mailflow.actions.leads.decline import decline
from mailflow.actions.leads.pick import pick
from mailflow.actions.partners.report import deliver_report
from mailflow.jobs.broker import JobQueue
from mailflow.links.claims import LinkClaim
from mailflow.links.signer import PURPOSES, TokenExpired, TokenInvalid
from mailflow.mail.capture import MailCapture
from mailflow.runtime import Runtime
from mailflow.web import create_app
from tests.factories import World
from tests.reliability.conftest import Snapshot, all_sent
from tests.services import CHROMIUM, require

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """GET and HEAD do not depend on the database: SQLite only keeps this fast."""
    return sqlite_url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def live(rt: Runtime, smtp: MailCapture) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_app(rt, devmail=smtp), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    rt.settings = rt.settings.with_(
        base_url=url, token_rate_per_minute=10_000, token_rate_per_ip_per_minute=10_000
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    thread.join(timeout=5)


def _every_kind_of_email(rt: Runtime, world: World, queue: JobQueue, admin: str) -> None:
    """Offers; a pick (details, taken); a lead nobody wants (escalation); weekly reports;
    a password reset; an email change: every link a partner, a manager or a user ever gets."""
    world.partner("Ulm")
    world.lead()  # offered; its links stay open
    picked = world.lead()
    nobody = world.lead()
    all_sent(rt, queue)
    for offer in world.offers(picked.id):  # type: ignore[arg-type]
        contact = world.contacts(offer.organization_id)[0]
        with unit(rt, "test", "web") as ctx:
            pick(ctx, offer.id, contact.id)  # type: ignore[arg-type]
        break
    for offer in world.offers(nobody.id):  # type: ignore[arg-type]
        contact = world.contacts(offer.organization_id)[0]
        with unit(rt, "test", "web") as ctx:
            decline(ctx, offer.id, contact.id, None)  # type: ignore[arg-type]
    _reports_and_reset(rt, admin)
    all_sent(rt, queue)


def _reports_and_reset(rt: Runtime, admin: str) -> None:
    from sqlmodel import select

    from mailflow.actions.console.email_change import request_email_change
    from mailflow.actions.console.password import request_password_reset
    from mailflow.models import Contact
    from mailflow.queries.reports import last_week, zone

    label = last_week(rt.clock.now(), zone("Europe/Berlin")).label
    with rt.db.read() as s:
        users = [c.id for c in s.exec(select(Contact).where(Contact.password_hash != None))]  # noqa: E711
    for user in users:
        with unit(rt, "test", "job") as ctx:
            deliver_report(ctx, user, label)  # type: ignore[arg-type]
    with unit(rt, "anonymous", "console") as ctx:
        request_password_reset(ctx, admin)
    with unit(rt, "cli", "cli") as ctx:
        request_email_change(ctx, admin, "admin.new@elsewhere.example")


def _links(rt: Runtime, smtp: MailCapture, base: str) -> list[str]:
    """One link of each shape found in the emails: route, action and query (the others
    differ only in their ids)."""
    shapes: dict[tuple[str, ...], str] = {}
    for mail in smtp.messages():
        unsubscribe = str(mail.message.get("List-Unsubscribe", ""))
        text = "\n".join((mail.part("html"), mail.part("plain"), unsubscribe))
        for link in re.findall(rf"{re.escape(base)}[^\s\"'<>]*", text):
            link = link.replace("&amp;", "&")
            shapes.setdefault(_shape(rt, link.removeprefix(base)), link)
    return sorted(shapes.values())


def _shape(rt: Runtime, path: str) -> tuple[str, ...]:
    route, _, query = path.partition("?")
    parts = route.split("/")
    if route.startswith("/a/"):
        with contextlib.suppress(TokenInvalid, TokenExpired):
            parts[2] = rt.signer.read(LinkClaim, parts[2]).action
    elif len(parts) > 2:
        parts[-1] = "<token>"
    return (*parts, *sorted(re.findall(r"(\w+)=", query)))


def test_scanners_opening_every_link_change_nothing(
    browser: Any,
    live: str,
    rt: Runtime,
    world: World,
    queue: JobQueue,
    smtp: MailCapture,
    console_users: dict[str, str],
    db_state: Callable[[], Snapshot],
) -> None:
    _every_kind_of_email(rt, world, queue, console_users["admin"])
    kinds = {str(m.message["X-Mailflow-Kind"]) for m in smtp.messages()}
    assert {"offer", "details", "taken", "escalation", "weekly_report", "password_reset",
            "email_change"} <= kinds  # fmt: skip
    links = _links(rt, smtp, live)
    # an older /u/ opt-out link, as reports already delivered carry it
    legacy = URLSafeSerializer(list(rt.settings.secret_keys), salt=PURPOSES["unsubscribe"].salt)
    links.append(f"{live}/u/{legacy.dumps({'u': world.contacts(1)[0].id})}")
    for prefix in ("/a/", "/e/", "/u/", "/reports/unsubscribe/", "/console/reset/",
                   "/console/email/"):  # fmt: skip
        assert any(link.startswith(live + prefix) for link in links), prefix
    before = db_state()
    sent = len(smtp.messages())
    for link in links:  # what a link checker does
        assert requests.head(link, timeout=10).status_code < 500, link
        assert requests.get(link, timeout=10).status_code < 500, link
    for javascript in (False, True):  # what a sandboxing scanner does
        context = browser.new_context(java_script_enabled=javascript)
        page = context.new_page()
        for link in links:
            answer = page.goto(link, wait_until="domcontentloaded")
            assert answer is not None and answer.status < 500, link
        context.close()
    all_sent(rt, queue)
    assert db_state() == before
    assert len(smtp.messages()) == sent  # and no email went out
