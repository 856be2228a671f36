"""Every console page in real headless Chromium, at phone and desktop width, in English
and German: nothing wider than the screen, a real title, no raw ISO timestamp."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.leads.edit import add_note
from mailflow.actions.leads.override import assign
from mailflow.actions.partners.invitations import invite_partner
from mailflow.actions.partners.terms import publish_terms
from mailflow.models import Contact
from mailflow.models.api_schemas import InvitationIn
from mailflow.runtime import Runtime
from tests.e2e.conftest import Live
from tests.e2e.test_browser import ARTIFACTS, browser  # noqa: F401  (the fixture)
from tests.factories import World
from tests.integration.test_console import PASSWORD, _user

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T")
WIDTHS = (390, 1280)


def _pages(lead_id: int) -> dict[str, str]:
    return {
        "leads": "/console/",
        "search": "/console/?q=Stuttgart",
        "lead": f"/console/leads/{lead_id}",
        "matching": f"/console/leads/{lead_id}/matching",
        "qualification": "/console/qualification",
        "review": "/console/inbound/",
        "failed-jobs": "/console/failed-jobs",
        "dashboard": "/console/dashboard",
        "points": "/console/points",
        "templates": "/console/templates/",
        "template": "/console/templates/offer",
        "webhooks": "/console/webhooks",
        "export": "/console/export",
        "email": "/console/email",
        "invitations": "/console/invitations",
    }


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_console_page_fits_a_phone_and_reads_in_the_users_language(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
    rt: Runtime,
    lang: str,
) -> None:
    partner = world.partner("Stuttgart", name="Kälte Klein")
    world.partner("Ulm", name="Wärme Weit mit einem sehr langen Firmennamen GmbH & Co. KG")
    lead = world.lead(requirement="Wärmepumpe für ein Einfamilienhaus, " * 6)
    assert lead.id is not None and partner.id is not None
    live.queue.drain()
    _user(rt, world, role="admin")
    with rt.db.transaction() as s:
        user = s.exec(select(Contact).where(Contact.email == "ops@nordwind.test")).one()
        user.language, user.timezone = lang, "Europe/Berlin"
        user_id = user.id
    with unit(rt, f"console:{user_id}", "console") as ctx:
        assign(ctx, lead.id, partner.id)
        add_note(ctx, lead.id, "Kunde möchte im Frühjahr bauen.")
        for kind in ("terms", "dpa"):  # the invitations page lists a partner invited
            publish_terms(ctx, kind, {"en": f"The {kind}.", "de": f"Die {kind}."})
        invite_partner(ctx, InvitationIn(email="neu@partner.example", partner_name="Neu GmbH"))
    live.queue.drain()

    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{live.url}/console/login")
        page.fill("input[name=email]", "ops@nordwind.test")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("form button[type=submit]").click()
        for name, path in _pages(lead.id).items():
            answer = page.goto(f"{live.url}{path}")
            assert answer is not None and answer.status == 200, (name, width)
            title = page.title()
            assert title and title.strip() != "mailflow" and "·" in title, (name, title)
            fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / "console" / f"{name}-{lang}-{width}.png"
            shot.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            assert fits, (name, width, page.evaluate("document.documentElement.scrollWidth"))
            text = page.inner_text("body")
            assert not ISO.search(text), (name, ISO.search(text))
            assert page.get_attribute("html", "lang") == lang
            if lang == "de":
                html = page.content()  # the menu is folded away on a phone
                assert "Abmelden" in html and "Log out" not in html, name
                assert "Europe/Berlin" in text, name
        page.close()
