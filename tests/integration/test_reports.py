"""Weekly reports: due at each contact's own weekday and hour, sent once per week by the
scheduler's sweep, with an RFC 8058 one-click opt-out."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import select

from mailflow.clock import Clock
from mailflow.jobs.broker import JobQueue
from mailflow.mail.capture import MailCapture
from mailflow.models import Contact, Event, ReportSubscription
from mailflow.runtime import Runtime
from tests.hierarchy import build

MONDAY_0630_UTC = datetime(2026, 11, 30, 6, 30, tzinfo=UTC)  # 07:30 in Berlin


def _sweep(queue: JobQueue) -> None:
    queue.send("sweep_reports")
    queue.drain()


def _reports_to(smtp: MailCapture) -> list[str]:
    return sorted(
        m.to[0] for m in smtp.messages() if m.message["X-Mailflow-Kind"] == "weekly_report"
    )


def _set_timezone(rt: Runtime, contact_id: int, tz: str, language: str = "en") -> None:
    with rt.db.transaction() as s:
        contact = s.get(Contact, contact_id)
        assert contact is not None
        contact.timezone, contact.language = tz, language


def test_each_contact_gets_one_report_a_week_at_its_own_local_hour(
    rt: Runtime, clock: Clock, queue: JobQueue, smtp: MailCapture
) -> None:
    clock.set(MONDAY_0630_UTC)
    h = build(rt)
    _set_timezone(rt, h.contacts["b"], "America/New_York")  # 01:30 there: not yet
    _sweep(queue)
    first = _reports_to(smtp)
    assert h.email("r1") in first and h.email("admin") in first
    assert h.email("b") not in first and h.email("bsales") not in first
    _sweep(queue)  # the same hour again: nothing new
    assert _reports_to(smtp) == first
    clock.set(datetime(2026, 11, 30, 13, 5, tzinfo=UTC))  # 08:05 in New York
    _sweep(queue)
    assert _reports_to(smtp) == sorted([*first, h.email("b")])
    with rt.db.read() as s:
        sent = s.exec(select(Event).where(Event.kind == "report.sent")).all()
        sub = s.get(ReportSubscription, h.contacts["b"])
    assert len(sent) == len(first) + 1
    assert sub is not None and sub.last_period == "2026-W48"


def test_the_report_carries_a_one_click_opt_out_that_get_never_triggers(
    rt: Runtime, clock: Clock, queue: JobQueue, smtp: MailCapture, client: Any
) -> None:
    clock.set(MONDAY_0630_UTC)
    h = build(rt)
    _sweep(queue)
    mail = next(m for m in smtp.messages() if m.to[0] == h.email("r1"))
    header = mail.message["List-Unsubscribe"]
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = str(header).strip("<>")
    html = mail.part("html")
    assert url in html and 'data-action="feedback"' in html
    path = urlsplit(url).path
    assert client.get(path).status_code == 200  # a scanner opening the link changes nothing
    with rt.db.read() as s:
        assert not s.get(ReportSubscription, h.contacts["r1"]).opted_out  # type: ignore[union-attr]
    answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert client.post(path[:-3] + "xyz").status_code == 404
    clock.set(datetime(2026, 12, 7, 6, 30, tzinfo=UTC))
    smtp.clear()
    _sweep(queue)
    later = _reports_to(smtp)
    assert h.email("r1") not in later and h.email("r2") in later
    with rt.db.read() as s:
        assert s.exec(select(Event).where(Event.kind == "report.opted_out")).one()


def test_a_german_contact_gets_the_report_in_german_at_the_chosen_day_and_hour(
    rt: Runtime, clock: Clock, queue: JobQueue, smtp: MailCapture
) -> None:
    from mailflow.actions import unit
    from mailflow.actions.partners.report import set_report_schedule

    clock.set(MONDAY_0630_UTC)
    h = build(rt)
    _set_timezone(rt, h.contacts["a1"], "Europe/Berlin", "de")
    with unit(rt, "test", "cli") as ctx:
        set_report_schedule(ctx, h.contacts["a1"], weekday=1, hour=9)  # Tuesday 09:00
    _sweep(queue)
    assert h.email("a1") not in _reports_to(smtp)
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))  # Tuesday 09:00 in Berlin
    _sweep(queue)
    mail = next(m for m in smtp.messages() if m.to[0] == h.email("a1"))
    assert mail.subject == "Ihr Wochenbericht: 2026-W48"
    assert "Übernahmen pro Woche" in html.unescape(mail.part("html"))  # HTML is 7-bit ASCII
