"""Attacks through lead data: header injection into outbound mail (CR/LF, encoded words),
script and attribute breakout and template injection in emails, dialogs, console pages and
reports, and ``javascript:``/``data:``/``vbscript:`` URLs that must never become links.

The mail goes through real SMTP to aiosmtpd; the received bytes are parsed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from email import policy
from email.parser import BytesParser
from html.parser import HTMLParser
from typing import Any

import pytest

from mailflow.actions import unit
from mailflow.actions.leads.pick import pick
from mailflow.actions.partners.report import deliver_report
from mailflow.jobs.broker import JobQueue
from mailflow.mail.capture import MailCapture
from mailflow.models import Contact, Lead
from mailflow.rules.geo import CITIES
from mailflow.runtime import Runtime
from tests.factories import World
from tests.reliability.conftest import all_sent

_, LAT, LON = CITIES["Stuttgart"]
SQUARE = str(1337 * 1337)  # what a template injection of {{1337*1337}} would print

BREAKOUT = {
    "customer_name": '"><script>alert(1337)</script>',
    "customer_company": "' onmouseover='alert(1337)' x='",
    "customer_street": "</style><script>alert(1337)</script>",
    "customer_phone": "' onfocus=alert(1337) autofocus '",
    "product_line": "{{1337*1337}}</title><svg onload=alert(1337)>",
    "city": 'Stuttgart"><img src=x onerror=alert(1337)>',
    "campaign": "{% print 1337*1337 %}<b onclick=alert(1337)>",
    "requirement": "</textarea><script>alert(1337)</script>{{1337*1337}}"
    '<a href="javascript:alert(1337)">x</a>',
    "remarks": "<!--<script>alert(1337)</script>--> ${1337*1337} #{1337*1337}",
}
URLS = {
    "customer_company": "javascript:alert(1337)",
    "customer_street": "JaVaScRiPt:alert(1337)",
    "product_line": " \tjava\nscript:alert(1337)",
    "requirement": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxMzM3KTwvc2NyaXB0Pg==",
    "remarks": "vbscript:msgbox(1337)",
    "customer_name": "&#106;avascript:alert(1337)",
    "customer_phone": "javascript:alert(1337)",
    "campaign": "&#x6A;avascript&colon;alert(1337)",
}
HEADER_TRICKS = {
    "product_line": "Heat pump\r\nBcc: thief@evil.example",
    "customer_company": "ACME\nX-Injected: yes\r\n\r\n<p>body</p>",
    "city": "Stuttgart\rSubject: free money",
    "customer_name": "=?utf-8?q?Eve=0D=0ABcc:_thief@evil.example?=",
    "customer_street": "=?utf-8?b?QmNjOiB0aGllZkBldmlsLmV4YW1wbGU=?=\u2028To: thief@evil.example",
}


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """Escaping does not depend on the database: SQLite only keeps these fast."""
    return sqlite_url


def _picked_lead(rt: Runtime, world: World, queue: JobQueue, **fields: Any) -> Lead:
    """A lead with these fields, offered, and picked by the console dealer's rep."""
    lead, _ = world.offered_lead(lat=LAT, lon=LON, **fields)
    all_sent(rt, queue)  # with a running worker, the ingest may have offered it already
    offers = world.offers(lead.id)  # type: ignore[arg-type]
    for offer in offers:
        rep = next((c for c in world.contacts(offer.organization_id) if c.role == "rep"), None)
        if rep is not None:
            with unit(rt, f"contact:{rep.id}", "web") as ctx:
                pick(ctx, offer.id, rep.id)  # type: ignore[arg-type]
    all_sent(rt, queue)
    lead = world.reload(lead)
    assert lead.state == "picked", [(o.organization_id, o.state) for o in offers]
    return lead


# -- header injection ---------------------------------------------------------------------
ALLOWED_HEADERS = {
    "from", "to", "subject", "date", "message-id", "reply-to", "in-reply-to", "references",
    "auto-submitted", "x-auto-response-suppress", "mime-version", "content-type",
    "list-unsubscribe", "list-unsubscribe-post", "list-id", "x-mailflow-kind",
    "dkim-signature", "precedence", "feedback-id",
}  # fmt: skip


def test_lead_fields_cannot_inject_headers_into_outbound_mail(
    rt: Runtime, world: World, queue: JobQueue, smtp: MailCapture, console_users: dict[str, str]
) -> None:
    world.partner("Ulm")
    _picked_lead(rt, world, queue, **HEADER_TRICKS)
    mails = smtp.messages()
    kinds = {str(m.message["X-Mailflow-Kind"]) for m in mails}
    assert {"offer", "details", "taken"} <= kinds
    partners = {c.email for org in _orgs(rt) for c in world.contacts(org)}
    for mail in mails:
        assert set(mail.to) <= partners, mail.to  # the SMTP envelope: no extra recipient
        message = BytesParser(policy=policy.default).parsebytes(mail.raw)
        names = [name.lower() for name in message]
        assert set(names) <= ALLOWED_HEADERS, (message["X-Mailflow-Kind"], names)
        assert names.count("subject") == 1 and names.count("to") == 1
        assert "bcc" not in names and "cc" not in names
        head = mail.raw.split(b"\r\n\r\n", 1)[0]
        assert b"thief@evil.example" not in head.replace(b"\r\n ", b"")  # only inside words
        assert not re.search(rb"\r(?!\n)|(?<!\r)\n", head), "a bare CR or LF in the header"
    offer = next(m for m in mails if m.message["X-Mailflow-Kind"] == "offer")
    assert "Heat pump Bcc: thief@evil.example" in offer.subject  # the line break is a space
    details = next(m for m in mails if m.message["X-Mailflow-Kind"] == "details")
    assert "ACME X-Injected: yes" in details.subject
    text = details.part("plain")
    assert "=?utf-8?q?Eve=0D=0ABcc:_thief@evil.example?=" in text  # shown, never decoded


def _orgs(rt: Runtime) -> list[int]:
    from sqlmodel import select

    from mailflow.models import Organization

    with rt.db.read() as s:
        return [int(i) for i in s.exec(select(Organization.id)).all() if i is not None]


# -- script, attribute and URL breakout ---------------------------------------------------
DANGEROUS_URL = re.compile(r"^(javascript|vbscript|data|livescript|mocha):", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster",
                  "srcset", "data", "codebase", "cite", "ping", "manifest"}  # fmt: skip


class _Inert(HTMLParser):
    """Collects what lead data must never become: elements, handlers, script, links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("svg", "img", "b", "xss") and any("1337" in (v or "") for _, v in attrs):
            self.problems.append(f"<{tag}> from lead data")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name == "autofocus" and tag == "a":
                self.problems.append("an attribute broke out of a link")
            plain = re.sub(r"[\x00-\x20]+", "", value or "")
            if name in URL_ATTRIBUTES and DANGEROUS_URL.match(plain):
                self.problems.append(f"{name}={value!r} on <{tag}>")
        self._script = self._script or tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False

    def handle_data(self, data: str) -> None:
        if self._script and "1337" in data:
            self.problems.append("a script from lead data")


def _problems(html: str) -> list[str]:
    parser = _Inert()
    parser.feed(html)
    parser.close()
    found = parser.problems
    if SQUARE in html:
        found.append("a template expression from lead data was evaluated")
    return found


def _console_pages(client: Any, lead_ids: list[int]) -> Iterator[str]:
    yield "/console/"
    yield "/console/qualification"
    yield "/console/dashboard"
    yield "/console/points"
    for lead_id in lead_ids:
        yield f"/console/leads/{lead_id}"
        yield f"/console/leads/{lead_id}/matching"


def _dialog_pages(rt: Runtime, world: World, lead: Lead, agency: int) -> Iterator[str]:
    for offer in world.offers(lead.id):  # type: ignore[arg-type]
        for contact in world.contacts(offer.organization_id):
            for action in ("pick", "decline", "feedback", "portal"):
                yield rt.link(offer.id, contact.id, action)  # type: ignore[arg-type]
    yield rt.link(lead.id, agency, "qualify").replace("/a/", "/q/", 1)  # type: ignore[arg-type]


@pytest.mark.parametrize("payloads", [BREAKOUT, URLS], ids=["breakout", "urls"])
def test_lead_data_stays_text_in_emails_dialogs_console_and_reports(
    rt: Runtime,
    world: World,
    queue: JobQueue,
    smtp: MailCapture,
    app: Any,
    console_users: dict[str, str],
    login: Callable[[Any, str], str],
    payloads: dict[str, str],
) -> None:
    rt.settings = rt.settings.with_(
        token_rate_per_minute=10_000, token_rate_per_ip_per_minute=10_000
    )
    world.partner("Ulm")
    agency = world.partner("Ulm", kind="agency")
    lead = _picked_lead(rt, world, queue, **payloads)
    waiting = world.lead(**{**payloads, "postal_code": None, "city": None, "country": None})
    assert waiting.state == "new"
    _weekly_reports(rt, queue)
    pages: dict[str, str] = {}
    for mail in smtp.messages():
        where = f"email {mail.message['X-Mailflow-Kind']} to {mail.to[0]}"
        pages[where] = mail.part("html")
        assert SQUARE not in mail.part("plain") and SQUARE not in mail.subject, where
    client = app.test_client()
    for url in _dialog_pages(rt, world, lead, world.contacts(agency.id)[0].id):  # type: ignore[arg-type]
        pages[url] = _html(client.get(url.removeprefix(rt.settings.base_url)))
    for role in ("admin", "rep"):
        staff = app.test_client()
        login(staff, role)
        for path in _console_pages(staff, [lead.id, waiting.id]):  # type: ignore[list-item]
            answer = staff.get(path)
            if answer.status_code not in (403, 404):  # not this role's page, or not its lead
                pages[f"{role} {path}"] = _html(answer)
    devmail = app.test_client()
    for mail in smtp.messages()[:6]:
        for path in (f"/dev/mail/{mail.id}", f"/dev/mail/{mail.id}/html"):
            pages[path] = _html(devmail.get(path))
    pages["/dev/mail/"] = _html(devmail.get("/dev/mail/"))
    assert any("weekly_report" in where for where in pages)
    found = {where: p for where, html in pages.items() if (p := _problems(html))}
    assert found == {}
    shown = "\n".join(pages.values())
    assert "alert(1337)" in shown  # the data is there, as text


def _html(answer: Any) -> str:
    assert answer.status_code in (200, 403, 409, 410), answer.status_code  # pages for people
    return str(answer.get_data(as_text=True))


def _weekly_reports(rt: Runtime, queue: JobQueue) -> None:
    """The KPI report for every console user (a rep's lists the leads it owns)."""
    from sqlmodel import select

    from mailflow.queries.reports import last_week, zone

    label = last_week(rt.clock.now(), zone("Europe/Berlin")).label
    with rt.db.read() as s:
        users = [c.id for c in s.exec(select(Contact).where(Contact.password_hash != None))]  # noqa: E711
    for user in users:
        with unit(rt, "test", "job") as ctx:
            deliver_report(ctx, user, label)  # type: ignore[arg-type]
    all_sent(rt, queue)


@pytest.mark.parametrize(
    "html",
    [
        '<p>"><script>alert(1337)</script></p>',
        "<a title='' onmouseover='alert(1337)' x=''>",
        '<td>Stuttgart"><img src=x onerror=alert(1337)></td>',
        '<a href=" java\nscript:alert(1337)">',
        '<a href="&#106;avascript:alert(1337)">',
        '<a href="DATA:text/html;base64,PHNjcmlwdD4=">',
        f"<p>{SQUARE}</p>",
    ],
)
def test_the_checker_finds_each_kind_of_breakout(html: str) -> None:
    """The check above would notice a failure (it is not vacuous)."""
    assert _problems(html) != []
