"""The weekly report email and the console dashboard in real headless Chromium, with
screenshots written to artifacts/."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from mailflow.clock import Clock
from mailflow.jobs.broker import JobQueue
from mailflow.mail.capture import MailCapture
from mailflow.models import Lead
from mailflow.runtime import Runtime
from tests.e2e.conftest import Live
from tests.e2e.test_browser import ARTIFACTS, browser  # noqa: F401 - the shared fixture
from tests.hierarchy import PASSWORD, build

MONDAY = datetime(2026, 11, 30, 6, 30, tzinfo=UTC)


def _spread_picks(rt: Runtime) -> None:
    """Picks over the last weeks so the picks chart has bars of different lengths."""
    with rt.db.transaction() as s:
        for i, lead in enumerate(s.exec(select(Lead).where(Lead.owner_id.is_not(None)))):  # type: ignore[union-attr]
            lead.picked_at = MONDAY - timedelta(days=3 + 7 * (i % 3), hours=i)


def test_the_weekly_report_email_renders_in_chromium(
    browser: Any,  # noqa: F811
    rt: Runtime,
    clock: Clock,
    queue: JobQueue,
    smtp: MailCapture,
) -> None:
    clock.set(MONDAY)
    h = build(rt)
    _spread_picks(rt)
    queue.send("sweep_reports")
    queue.drain()
    mail = next(m for m in smtp.messages() if m.to[0] == h.email("d1"))
    html = mail.part("html")
    assert not re.search(r"<img[^>]+src=\"https?:", html)  # no remote images
    page = browser.new_page(viewport={"width": 680, "height": 900})
    page.set_content(html)
    assert "Your weekly report" in page.inner_text("body")
    assert page.locator('a[data-action="feedback"]').count() == 0  # d1 owns no lead itself
    assert page.locator('a[data-action="console"]').count() == 3  # A1r1, A1r2, A2
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "weekly-report-email.png"), full_page=True)
    rep = next(m for m in smtp.messages() if m.to[0] == h.email("r1"))
    page.set_content(rep.part("html"))
    assert page.locator('a[data-action="feedback"]').count() == 1
    page.screenshot(path=str(ARTIFACTS / "weekly-report-email-rep.png"), full_page=True)
    page.close()


def test_the_console_dashboard_shows_the_charts_in_chromium(
    browser: Any,  # noqa: F811
    live: Live,
) -> None:
    h = build(live.rt)
    _spread_picks(live.rt)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live.url}/console/login")
    page.fill("#email", h.email("pm1"))
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    page.goto(f"{live.url}/console/dashboard")
    assert page.locator("svg.chart").count() == 2
    assert page.locator("svg.chart rect").count() >= 4
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console-dashboard.png"), full_page=True)
    page.close()
