"""Every message kind has a template that ops can change safely: validation refuses
what would break or leak, and every email is branded, escaped and free of remote
resources."""

from __future__ import annotations

import re

import pytest

from mailflow.mail import kinds
from mailflow.mail.compile import TEMPLATE_DIR, Source, file_source, layout, safe_url, validate
from mailflow.mail.render import Renderer

BRAND = {
    "name": "Nordwind",
    "sender_name": "Nordwind Leads",
    "logo_url": "https://cdn.nordwind.example/logo.png",
    "color": "#c0392b",
    "background": "#f4f1ee",
    "footer": "Nordwind partner programme",
    "imprint": "Nordwind GmbH\nHauptstraße 1, 70173 Stuttgart",
    "base_url": "https://leads.example.com",
}
LEAD_KINDS = sorted(k for k, v in kinds.KINDS.items() if "lead" in v)


def _source(kind: str = "offer", **parts: str) -> Source:
    base = file_source(kind)
    return Source(
        kind,
        -1,
        parts.get("subject", base.subject),
        parts.get("body_text", base.body_text),
        parts.get("body_mjml", base.body_mjml),
    )


def _render(kind: str, lang: str = "en", **extra: object) -> object:
    return Renderer().render(kind, {**kinds.sample(kind, lang), "brand": BRAND, **extra})


def test_there_is_a_template_for_every_message_kind() -> None:
    on_disk = {p.name for p in TEMPLATE_DIR.iterdir() if p.is_dir()}
    assert on_disk == set(kinds.KINDS)
    for required in (
        "moved_on",
        "offer_reminder",
        "feedback_reminder",
        "pick_blocked",
        "escalation",
    ):
        assert required in on_disk
    for required in ("reply_confirmation", "not_understood", "weekly_report", "password_reset"):
        assert required in on_disk


@pytest.mark.parametrize("kind", sorted(kinds.KINDS))
def test_the_shipped_template_passes_validation(kind: str) -> None:
    assert validate(file_source(kind), layout()) == []


def test_the_readme_documents_every_kind_and_its_variables() -> None:
    readme = (TEMPLATE_DIR / "README.md").read_text()
    for kind, variables in kinds.KINDS.items():
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{kind}`")), "")
        assert row, f"{kind} missing from the README"
        for variable in variables:
            assert f"`{variable}`" in row, f"{kind}: {variable} not documented"


@pytest.mark.parametrize("kind", sorted(kinds.KINDS))
@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_email_has_a_preheader_and_a_branded_frame(kind: str, lang: str) -> None:
    out = _render(kind, lang)
    preheader = re.search(r'<div style="display:none[^>]*>([^<]+)</div>', out.html)  # type: ignore[attr-defined]
    assert preheader and preheader.group(1).strip()
    assert 'src="https://cdn.nordwind.example/logo.png"' in out.html  # type: ignore[attr-defined]
    assert "#c0392b" in out.html and "Hauptstraße 1, 70173 Stuttgart" in out.html  # type: ignore[attr-defined]
    # the brand's own footer speaks to its partners; staff and agencies get theirs
    if kinds.audience(kind) == kinds.PARTNER:
        assert "Nordwind partner programme" in out.html  # type: ignore[attr-defined]
    else:
        assert "Nordwind partner programme" not in out.html  # type: ignore[attr-defined]
        assert "sales partner of" not in out.text  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", LEAD_KINDS)
@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_lead_email_subject_names_temperature_and_region(kind: str, lang: str) -> None:
    subject = _render(kind, lang).subject  # type: ignore[attr-defined]
    assert ("hot" if lang == "en" else "heiß") in subject
    assert "70xxx Stuttgart DE" in subject


def test_german_contacts_get_german_emails_for_the_new_kinds() -> None:
    assert _render("offer_reminder", "de").subject.startswith("Erinnerung")  # type: ignore[attr-defined]
    assert "Passwort" in _render("password_reset", "de").html  # type: ignore[attr-defined]
    assert "bevor Sie einen neuen" in _render("pick_blocked", "de").subject  # type: ignore[attr-defined]


def test_the_preview_of_each_decision_email_links_to_its_own_page() -> None:
    """A territory request and a deal registration both say ``links.decide``: each preview
    shows its own page, never the other's."""
    territory = _render("territory_request")
    deal = _render("deal_review")
    assert "/territory/sample-token" in territory.text  # type: ignore[attr-defined]
    assert "/deal-review/" not in territory.html + territory.text  # type: ignore[attr-defined]
    assert "/deal-review/sample-token" in deal.text  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", sorted(kinds.KINDS))
def test_no_remote_resource_but_the_logo(kind: str) -> None:
    html = _render(kind).html  # type: ignore[attr-defined]
    sources = re.findall(r'\ssrc="([^"]*)"', html)
    assert set(sources) <= {BRAND["logo_url"]}
    assert "<link" not in html and "@import" not in html and "url(" not in html


def test_lead_data_is_escaped_in_html_and_cannot_become_a_link() -> None:
    lead = {**kinds.sample("offer")["lead"], "requirement": '<img src=x onerror=alert(1)> "quoted"'}
    lead["product_line"] = "<script>alert(1)</script>"
    out = _render("offer", lead=lead)
    assert "<img src=x" not in out.html and "<script>" not in out.html  # type: ignore[attr-defined]
    assert "&lt;img src=x onerror=alert(1)&gt;" in out.html  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "//evil.example/x",
        "ftp://x.example",
        "http://a b.example",
        None,
        3,
    ],
)
def test_safe_url_drops_every_scheme_but_http_and_https(value: object) -> None:
    assert safe_url(value) == ""


def test_safe_url_keeps_http_and_https() -> None:
    assert safe_url("https://leads.example.com/a/x") == "https://leads.example.com/a/x"
    assert safe_url("http://leads.example.com/") == "http://leads.example.com/"


def test_a_link_with_another_scheme_is_never_rendered() -> None:
    links = {**kinds.sample("offer")["links"], "pick": "javascript:alert(1)"}
    brand = {**BRAND, "logo_url": "javascript:alert(2)"}
    overdue = [
        {"lead": kinds.sample("details")["lead"], "state": "picked",
         "buttons": [("won", "javascript:alert(3)")]}
    ]  # fmt: skip
    offer = Renderer().render("offer", {**kinds.sample("offer"), "brand": brand, "links": links})
    block = Renderer().render(
        "pick_blocked", {**kinds.sample("pick_blocked"), "brand": brand, "overdue": overdue}
    )
    for out in (offer, block):
        assert "javascript:" not in out.html and "javascript:" not in out.text


# -- validation before saving ------------------------------------------------------------
def test_validation_refuses_mjml_that_does_not_compile() -> None:
    errors = validate(_source(body_mjml="<mj-section><mj-column><mj-text>x</mj-column>"), layout())
    assert errors and "MJML does not compile" in errors[0]


def test_validation_refuses_a_jinja_syntax_error() -> None:
    errors = validate(_source(subject="{{ _('New lead' }}"), layout())
    assert errors and "Jinja syntax error" in errors[0]


def test_validation_refuses_an_unknown_variable() -> None:
    body = file_source("offer").body_mjml.replace("{{ lead.requirement }}", "{{ customer.secret }}")
    errors = validate(_source(body_mjml=body), layout())
    assert errors == [errors[0]] and "unknown variable(s) customer" in errors[0]


def test_validation_refuses_a_variable_of_another_kind() -> None:
    errors = validate(_source("taken", subject="{{ hours_left }} {{ lead.region }}"), layout())
    assert errors and "subject line 1: unknown variable(s) hours_left" in errors[0]


def test_validation_refuses_a_less_than_sign_inside_a_jinja_tag() -> None:
    body = "{% if offer.distance_km < 20 %}<mj-section></mj-section>{% endif %}"
    errors = validate(_source(body_mjml=body), layout())
    assert errors and "'<' inside a Jinja tag" in errors[0]


def test_validation_refuses_a_link_that_skips_safe_url() -> None:
    body = file_source("offer").body_mjml.replace("{{ links.pick }}", "{{ lead.requirement }}")
    errors = validate(_source(body_mjml=body), layout())
    assert any("must use links.<name> or end in |safe_url" in e for e in errors)


def test_validation_refuses_an_unknown_kind() -> None:
    source = Source("newsletter", -1, "s", "t", "<mj-section></mj-section>")
    assert validate(source, layout()) == ["unknown message kind 'newsletter'"]
