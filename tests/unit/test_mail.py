"""Templates compile, render in English and German, and compose into safe MIME."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

import pytest

from mailflow.mail import kinds
from mailflow.mail.compile import TEMPLATE_DIR, TemplateError, mjml_to_html
from mailflow.mail.compose import AddressError, Envelope, compose
from mailflow.mail.kinds import sample
from mailflow.mail.render import Renderer

KINDS = sorted(p.name for p in TEMPLATE_DIR.iterdir() if p.is_dir())
BRAND = {"name": "Nordwind", "color": "#0b5cad", "base_url": "http://x"}
LEAD = {
    "id": 7,
    "temperature": "hot",
    "region": "70xxx Stuttgart DE",
    "city": "Stuttgart",
    "country": "DE",
    "product_line": "Heat pump",
    "requirement": "Replace <b>boiler</b>",
    "value": "18000",
    "currency": "EUR",
    "customer_name": "Erika",
    "customer_email": "e@x.example",
}
LINKS = {a: f"http://x/a/{a}-token" for a in ("pick", "decline", "feedback", "portal")}


def _context(lang: str) -> dict[str, object]:
    return {
        "lang": lang,
        "brand": BRAND,
        "lead": LEAD,
        "links": LINKS,
        "recipient_name": "Anna",
        "offer": {"id": 1, "ring": 1, "distance_km": 12},
        "stage": "won",
        "amount": "12500",
        "currency": "EUR",
        "reason": "too far",
        "error": None,
        "text": "hm",
        "understood": {"action": "feedback", "stage": "won", "summary": "won 12,500.00 EUR"},
        "partner": "Dealer",
        "address": "a@d.example",
        "contact_name": "Anna",
        "status": "5.1.1",
        # the weekly report
        "period": {"label": "2026-W47", "start": "16.11.2026", "end": "22.11.2026"},
        "headlines": [{"label": "Pick rate", "value": "60 %", "previous": "50 %", "trend": "up"}],
        "pipeline": [
            {"label": "meeting", "count": 2, "value": 9000.0, "width": 100, "color": "#0b5cad"}
        ],
        "picks": [{"label": "16.11.", "count": 3, "width": 100, "color": "#2f9e6d"}],
        "partners": [{"name": "<b>boiler</b>", "picks": 3, "weak_closer": True}],
        "actions": [{"id": 7, "state": "contacted", "url": "http://x/a/f", "action": "feedback"}],
        "reps": [{"name": "Rita", "picks": 2, "pick_rate_pct": "50 %", "cr_pct": "–"}],
        "unsubscribe_url": "http://x/reports/unsubscribe/t",
    }


def test_every_message_kind_has_its_three_files() -> None:
    assert {"offer", "details", "taken", "decline_ack", "feedback_thanks"} <= set(KINDS)
    for kind in KINDS:
        assert {p.name for p in (TEMPLATE_DIR / kind).iterdir()} >= {
            "subject.txt",
            "body.txt",
            "body.mjml",
        }


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_template_renders_in_both_languages(kind: str, lang: str) -> None:
    out = Renderer().render(kind, {**sample(kind, lang), **_context(lang)})
    assert out.subject and "\n" not in out.subject
    assert "{{" not in out.html and "{%" not in out.html
    if kinds.audience(kind) == kinds.PARTNER:  # staff and agencies have no partner portal
        assert 'data-action="portal"' in out.html
    assert "fonts.googleapis" not in out.html  # no remote resources
    assert "<b>boiler</b>" not in out.html  # lead data is escaped


def test_german_contacts_get_german_text() -> None:
    en = Renderer().render("offer", _context("en"))
    de = Renderer().render("offer", _context("de"))
    assert "Pick this lead" in en.html and "Lead übernehmen" in de.html
    assert en.subject.startswith("New hot lead") and de.subject.startswith("Neuer Lead (heiß)")


def test_action_links_carry_their_data_action() -> None:
    html = Renderer().render("offer", _context("en")).html
    found = dict(re.findall(r'href="([^"]+)"[^>]*data-action="(\w+)"', html))
    assert found == {LINKS["pick"]: "pick", LINKS["decline"]: "decline", LINKS["portal"]: "portal"}


def test_it_refuses_a_less_than_sign_inside_a_jinja_tag() -> None:
    with pytest.raises(TemplateError, match="'<' inside a Jinja tag"):
        mjml_to_html("<mjml><mj-body>{% if a < b %}x{% endif %}</mj-body></mjml>")


def test_css_inlining_keeps_jinja_in_links() -> None:
    html = mjml_to_html(
        '<mjml><mj-body><mj-section><mj-column><mj-button href="{{ links.pick }}">x'
        "</mj-button></mj-column></mj-section></mj-body></mjml>"
    )
    assert 'href="{{ links.pick }}" data-action="pick"' in html


def _parse(data: bytes):  # type: ignore[no-untyped-def]
    return BytesParser(policy=policy.default).parsebytes(data)


def test_compose_writes_a_threaded_multipart_alternative_email() -> None:
    env = Envelope(
        sender="Nordwind Leads <leads@n.example>",
        to="anna@d.example",
        to_name="Anna Müller",
        subject="Neuer Lead (heiß) – München",
        message_id="offer.1@r.example",
        thread_root="lead-7@r.example",
        reply_to="reply+1.2.abc@r.example",
    )
    msg = _parse(compose(env, "Grüße\n", "<p>Grüße</p>", now=datetime(2026, 1, 2, tzinfo=UTC)))
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"] == "Neuer Lead (heiß) – München"
    assert msg["To"] == "Anna Müller <anna@d.example>"
    assert msg["Message-ID"] == "<offer.1@r.example>"
    assert msg["References"] == msg["In-Reply-To"] == "<lead-7@r.example>"
    assert msg["Reply-To"] == "reply+1.2.abc@r.example"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == "Grüße\n"
    # HTML goes out as 7bit ASCII: non-ASCII characters become character references.
    assert msg.get_body(("html",)).get_content() == "<p>Gr&#252;&#223;e</p>"
    assert msg.get_body(("html",))["Content-Transfer-Encoding"] == "7bit"


def test_lead_data_cannot_inject_headers() -> None:
    env = Envelope(
        sender="L <l@n.example>",
        to="a@d.example",
        to_name="Evil\r\nBcc: x@evil.example",
        subject="Hi\r\nBcc: victim@evil.example\nX-Injected: 1",
        message_id="m@r.example",
    )
    data = compose(env, "t", "<p>t</p>")
    head = data.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in head and b"\r\nX-Injected:" not in head
    assert _parse(data)["Bcc"] is None


@pytest.mark.parametrize(
    "bad", ["a@b@c", "a b@c.example", "<a@b.example>", "a@b.example\r\nBcc: x@y"]
)
def test_compose_refuses_an_unusable_address(bad: str) -> None:
    with pytest.raises(AddressError):
        compose(
            Envelope(sender="L <l@n.example>", to=bad, to_name=None, subject="s", message_id="m@x"),
            "t",
            "h",
        )
