"""The demo's first impression: the start page at ``/`` in the visitor's language, a real
favicon, page titles without "mailflow · mailflow", and a mail capture that shows who an
email is from, readable times, and keeps its mail across a restart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from mailflow import i18n
from mailflow.mail.capture import MailCapture
from mailflow.runtime import Runtime
from mailflow.web import create_app
from tests.factories import World

STRINGS = (
    "The mailflow demo",
    "Mail capture",
    "Console",
    "API documentation (OpenAPI)",
)


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found
    return found.group(1).strip()


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_start_page_explains_the_demo_in_the_visitors_language(
    client: Any, rt: Runtime, lang: str
) -> None:
    answer = client.get("/", headers={"Accept-Language": f"{lang}-XX, en;q=0.5"})
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    for text in STRINGS:
        assert str(escape(i18n.gettext(lang, text))) in html
    if lang != "en":
        assert "Everything runs on this computer" not in html  # the whole page translated
    title = _title(html)
    assert title == f"{i18n.gettext(lang, 'The mailflow demo')} · {rt.brand()['name']}"
    for place in ('href="/dev/mail"', 'href="/console/"', 'href="/api/v1/openapi.json"'):
        assert place in html


def test_the_start_page_links_a_partners_own_page_once_a_lead_was_offered(
    client: Any, world: World
) -> None:
    page = client.get("/?lang=de").get_data(as_text=True)
    assert 'data-place="partner"' not in page  # nothing offered yet: it says when
    world.partner("Stuttgart")
    world.offered_lead()
    page = client.get("/?lang=de").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" data-place="partner"', page)
    assert link is not None
    portal = client.get(link.group(1).split("127.0.0.1:5000", 1)[-1])
    assert portal.status_code == 200 and 'data-action="pick"' in portal.get_data(as_text=True)


def test_a_real_svg_favicon_is_served(client: Any) -> None:
    icon = client.get("/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.get_data(as_text=True).startswith("<svg") and "</svg>" in icon.get_data(True)
    assert client.get("/favicon.ico").headers["Location"].endswith("/favicon.svg")
    assert 'rel="icon" href="/favicon.svg"' in client.get("/").get_data(as_text=True)


def test_titles_name_the_page_then_the_brand_without_repeating_it(client: Any, rt: Runtime) -> None:
    brand = rt.brand()["name"]
    assert _title(client.get("/console/login").get_data(as_text=True)) == f"Console login · {brand}"
    assert _title(client.get("/dev/mail").get_data(as_text=True)) == f"Mail capture · {brand}"
    # without a brand name in MAIL_FROM the brand is "mailflow", and a page without a name
    # of its own is titled by it once, not "mailflow · mailflow"
    plain = rt.settings.with_(mail_from="leads@mailflow.localhost")
    bare = create_app(Runtime(plain), devmail=MailCapture()).test_client()
    assert _title(bare.get("/dev/mail").get_data(as_text=True)) == "Mail capture · mailflow"
    assert _title(bare.get("/a/not-a-token").get_data(as_text=True)).count("mailflow") == 1


def test_the_capture_shows_from_reply_to_and_a_readable_time(
    client: Any, smtp: MailCapture
) -> None:
    raw = (
        b"From: Nordwind Leads <leads@nordwind.example>\r\n"
        b"Reply-To: reply+abc@reply.nordwind.example\r\n"
        b"To: dealer@example.com\r\nSubject: Neuer Lead in Stuttgart\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nHallo\r\n"
    )
    smtp.add(["dealer@example.com"], "bounce@reply.nordwind.example", raw)
    mail = smtp.messages()[-1]
    page = client.get("/dev/mail", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Nordwind Leads &lt;leads@nordwind.example&gt;" in page
    assert "reply+abc@reply.nordwind.example" in page and "Antwort an" in page
    assert mail.received_at.isoformat() not in page.replace(f'"{mail.received_at.isoformat()}"', "")
    assert str(mail.received_at.year) in page
    one = client.get(f"/dev/mail/{mail.id}", headers={"Accept-Language": "de"})
    text = one.get_data(as_text=True)
    assert "Antwort an" in text and "leads@nordwind.example" in text
    assert (
        _title(text)
        == f"Neuer Lead in Stuttgart · {client.application.extensions['mailflow'].brand()['name']}"
    )
    data = client.get("/dev/mail/api/messages").get_json()[-1]
    assert data["header_from"] == "Nordwind Leads <leads@nordwind.example>"
    assert data["reply_to"] == "reply+abc@reply.nordwind.example"


def test_the_capture_survives_a_restart(rt: Runtime, tmp_path: Path) -> None:
    store = tmp_path / "mail-capture.jsonl"
    first = MailCapture(store=store)
    first.add(["a@example.com"], "from@example.com", b"Subject: one\r\n\r\nx\r\n")
    first.add(["b@example.com"], "from@example.com", b"Subject: two\r\n\r\ny\r\n")
    with store.open("a", encoding="utf-8") as out:
        out.write('{"id": 3, "to": ["c@exa')  # a line torn by a kill
    again = MailCapture(store=store)  # a restart: a new capture on the same file
    assert [(m.id, m.subject, m.to) for m in again.messages()] == [
        (1, "one", ["a@example.com"]),
        (2, "two", ["b@example.com"]),
    ]
    assert again.messages()[0].received_at == first.messages()[0].received_at
    again.add(["c@example.com"], "from@example.com", b"Subject: three\r\n\r\nz\r\n")
    assert [m.id for m in MailCapture(store=store).messages()] == [1, 2, 3]
    client = create_app(rt, devmail=MailCapture(store=store)).test_client()
    assert "three" in client.get("/dev/mail").get_data(as_text=True)
