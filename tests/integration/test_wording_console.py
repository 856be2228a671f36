"""Ops change the wording of an email per language: plain fields with their placeholders
checked, a draft previewed (desktop, phone, text) and published or discarded; German
changes leave English alone. The template source (MJML) stays the admins'."""

from __future__ import annotations

import html
from typing import Any

from sqlmodel import select

from mailflow import i18n
from mailflow.models import EmailWording, Event
from mailflow.runtime import Runtime
from mailflow.web.console.wording_views import field_name
from tests.factories import World
from tests.integration.test_console import _login, _user
from tests.integration.test_template_console import _csrf

KIND = "offer_reminder"
GREETING = "Hello %(name)s,"
HEADLINE = "Reminder: a lead is waiting for you"
PAGE = f"/console/templates/{KIND}/wording"


def _ops(client: Any, rt: Runtime, world: World, role: str = "ops") -> None:
    _user(rt, world, role=role)
    assert _login(client).status_code == 302


def _save(client: Any, lang: str, **texts: str) -> Any:
    data = {"csrf": _csrf(client, f"{PAGE}?lang={lang}"), "lang": lang}
    data.update({field_name(m): t for m, t in texts.items()})
    return client.post(PAGE, data=data)


def _post(client: Any, what: str, lang: str) -> Any:
    csrf = _csrf(client, f"{PAGE}?lang={lang}")
    return client.post(f"{PAGE}/{what}", data={"csrf": csrf, "lang": lang})


def _preview(client: Any, lang: str, part: str = "html") -> str:
    answer = client.get(f"{PAGE}/preview?lang={lang}&part={part}")
    assert answer.status_code == 200
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    return html.unescape(answer.get_data(as_text=True))


def _rows(rt: Runtime) -> list[tuple[str, str, dict[str, str]]]:
    with rt.db.read() as s:
        rows = s.exec(select(EmailWording)).all()
        return sorted((r.lang, r.state, dict(r.texts)) for r in rows)


def test_the_wording_page_lists_the_texts_in_the_chosen_language(
    client: Any, rt: Runtime, world: World
) -> None:
    _ops(client, rt, world)
    answer = client.get(f"{PAGE}?lang=de")
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 200
    assert f'name="{field_name(GREETING)}"' in page
    assert i18n.gettext("de", HEADLINE) in page  # the German text as the field's value
    assert "%(name)s" in page  # the placeholder listed
    assert page.count('sandbox=""') == 3  # desktop, phone, text
    assert "body_mjml" not in page and "<mj-" not in page


def test_a_draft_is_previewed_then_published_and_only_then_live(
    client: Any, rt: Runtime, world: World
) -> None:
    _ops(client, rt, world)
    new = "Guten Tag %(name)s, schön, dass Sie da sind."
    answer = _save(client, "de", **{GREETING: new, HEADLINE: "Ihr Lead wartet"})
    assert answer.status_code == 302
    # the preview greets the logged-in user (the sample's name otherwise)
    assert "Guten Tag Ops, schön" in _preview(client, "de")
    assert "Guten Tag Ops, schön" in _preview(client, "de", "text")
    assert "Ihr Lead wartet" in _preview(client, "de", "text")  # the subject
    live = rt.renderer.render(KIND, _context(rt, "de"))
    assert "schön, dass Sie da sind" not in live.text  # a draft is not live

    assert _post(client, "publish", "de").status_code == 302
    live = rt.renderer.render(KIND, _context(rt, "de"))
    assert "Guten Tag Anna Berger, schön, dass Sie da sind." in live.text
    assert "schön, dass Sie da sind" in html.unescape(live.html)
    assert live.subject.startswith("Ihr Lead wartet")
    assert _rows(rt) == [("de", "published", {GREETING: new, HEADLINE: "Ihr Lead wartet"})]
    with rt.db.read() as s:
        kinds = [e.kind for e in s.exec(select(Event)).all() if e.kind.startswith("wording.")]
    assert kinds == ["wording.draft_saved", "wording.published"]


def test_a_german_change_leaves_english_and_french_alone(
    client: Any, rt: Runtime, world: World
) -> None:
    _ops(client, rt, world)
    before = {lang: rt.renderer.render(KIND, _context(rt, lang)) for lang in ("en", "fr")}
    _save(client, "de", **{GREETING: "Moin %(name)s,"})
    assert _post(client, "publish", "de").status_code == 302
    assert "Moin Anna Berger," in rt.renderer.render(KIND, _context(rt, "de")).text
    for lang, was in before.items():
        now = rt.renderer.render(KIND, _context(rt, lang))
        assert (now.subject, now.text, now.html) == (was.subject, was.text, was.html)
    assert "Hello Ops," in _preview(client, "en", "text")


def test_discard_drops_the_draft_and_keeps_what_is_live(
    client: Any, rt: Runtime, world: World
) -> None:
    _ops(client, rt, world)
    _save(client, "de", **{GREETING: "Moin %(name)s,"})
    _post(client, "publish", "de")
    _save(client, "de", **{GREETING: "Servus %(name)s,"})
    assert "Servus Ops," in _preview(client, "de", "text")
    assert _post(client, "discard", "de").status_code == 302
    assert _rows(rt) == [("de", "published", {GREETING: "Moin %(name)s,"})]
    assert "Moin Ops," in _preview(client, "de", "text")
    assert _post(client, "publish", "de").status_code == 404  # nothing left to publish


def test_unknown_and_missing_placeholders_are_errors_on_their_field(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world, role="ops")
    with rt.db.transaction() as s:  # the console in German
        from mailflow.models import Contact

        user = s.exec(select(Contact).where(Contact.email == "ops@nordwind.test")).one()
        user.language = "de"
    assert _login(client).status_code == 302
    answer = _save(client, "de", **{GREETING: "Hallo %(nme)s,", HEADLINE: "Lead 100% offen"})
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 422
    assert "Unbekannter Platzhalter: nme." in page
    assert f'id="{field_name(GREETING)}-error"' in page
    assert "Hallo %(nme)s," in page  # what was typed stays in the field
    assert _rows(rt) == []
    missing = _save(client, "de", **{GREETING: "Hallo,"})
    assert missing.status_code == 422
    assert "Fehlender Platzhalter: name." in html.unescape(missing.get_data(as_text=True))
    # a text without placeholders may hold a percent sign
    assert _save(client, "de", **{HEADLINE: "Lead 100% offen"}).status_code == 302


def test_wording_is_plain_text_never_template_code(client: Any, rt: Runtime, world: World) -> None:
    _ops(client, rt, world)
    code = "{{ lead.__class__ }} <b>%(name)s</b> {%% if 1 %%}x{%% endif %%}"
    assert _save(client, "de", **{GREETING: code}).status_code == 302
    assert _post(client, "publish", "de").status_code == 302
    live = rt.renderer.render(KIND, _context(rt, "de"))
    assert "{{ lead.__class__ }} <b>Anna Berger</b> {% if 1 %}x{% endif %}" in live.text
    assert "<b>Anna Berger</b>" not in live.html  # escaped in the HTML part
    assert "&lt;b&gt;Anna Berger&lt;/b&gt;" in live.html


def test_only_staff_reword_and_only_admins_see_the_template_source(
    app: Any, rt: Runtime, world: World
) -> None:
    ops = app.test_client()
    _ops(ops, rt, world, role="ops")
    page = ops.get(f"/console/templates/{KIND}").get_data(as_text=True)
    assert 'name="body_mjml"' not in page and "mj-section" not in page
    assert ops.get(f"/console/templates/{KIND}/diff?a=0&b=0").status_code == 403
    assert ops.post(f"/console/templates/{KIND}/preview", data={}).status_code == 403
    assert PAGE in page  # the way to the wording instead
    admin = app.test_client()
    _user(rt, world, role="admin", email="admin@nordwind.test")
    assert _login(admin, "admin@nordwind.test").status_code == 302
    source = admin.get(f"/console/templates/{KIND}").get_data(as_text=True)
    assert 'name="body_mjml"' in source and "mj-section" in source
    rep = app.test_client()
    _user(rt, world, role="partner_manager", email="pm@nordwind.test")
    assert _login(rep, "pm@nordwind.test").status_code == 302
    assert rep.get(PAGE).status_code == 403


def test_a_template_error_names_the_line_the_author_wrote(
    app: Any, rt: Runtime, world: World
) -> None:
    client = app.test_client()
    _user(rt, world, role="admin")
    assert _login(client).status_code == 302
    from mailflow.mail.compile import file_source

    source = file_source(KIND)
    lines = source.body_mjml.splitlines()
    lines.insert(4, "<mj-text>{{ lead.nothing.deeper }}{{ oops }}</mj-text>")
    data = {
        "csrf": _csrf(client, f"/console/templates/{KIND}"),
        "subject": source.subject,
        "body_text": source.body_text,
        "body_mjml": "\n".join(lines),
    }
    answer = client.post(f"/console/templates/{KIND}", data=data)
    text = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 422
    assert "MJML line 5: unknown variable(s) oops" in text
    lines[4] = "<mj-text>{{ lead.region.nothing.deeper }}</mj-text>"
    data["body_mjml"] = "\n".join(lines)
    answer = client.post(f"/console/templates/{KIND}/preview", data=data)
    text = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 400 and "MJML line 5:" in text, text
    assert len(lines) < 40  # a line of the body, not of the compiled layout


def _context(rt: Runtime, lang: str) -> dict[str, Any]:
    from mailflow.mail import kinds
    from mailflow.mail.branding import default_brand

    return {**kinds.sample(KIND, lang), "brand": default_brand(rt.settings)}
