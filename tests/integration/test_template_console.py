"""Ops change templates in the console: validated before saving, versioned, previewed at
desktop and phone width, rolled back, and tried out with a test email."""

from __future__ import annotations

import html
import re
from typing import Any

from sqlmodel import select

from mailflow.actions.outbound import outbox
from mailflow.mail.capture import MailCapture
from mailflow.mail.compile import file_source
from mailflow.models import EmailTemplate, Event, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World
from tests.integration.test_console import _login, _user


def _csrf(client: Any, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


def _form(client: Any, kind: str = "offer", **parts: str) -> dict[str, str]:
    source = file_source(kind)
    return {
        "csrf": _csrf(client, f"/console/templates/{kind}"),
        "subject": parts.get("subject", source.subject),
        "body_text": parts.get("body_text", source.body_text),
        "body_mjml": parts.get("body_mjml", source.body_mjml),
    }


def _logged_in(client: Any, rt: Runtime, world: World, role: str = "admin") -> None:
    _user(rt, world, role=role)
    assert _login(client).status_code == 302


def _versions(rt: Runtime, kind: str = "offer") -> list[tuple[int, bool]]:
    with rt.db.read() as s:
        rows = s.exec(select(EmailTemplate).where(EmailTemplate.kind == kind)).all()
        return sorted((r.version, r.active) for r in rows)


def test_the_template_pages_need_a_login(client: Any) -> None:
    for path in ("/console/templates/", "/console/templates/offer"):
        answer = client.get(path)
        assert answer.status_code == 302 and "/console/login" in answer.headers["Location"]
    assert client.get("/console/templates/offer/preview").status_code == 302


def test_the_list_shows_every_kind(client: Any, rt: Runtime, world: World) -> None:
    _logged_in(client, rt, world)
    page = client.get("/console/templates/").get_data(as_text=True)
    for kind in ("offer", "offer_reminder", "weekly_report", "password_reset", "not_understood"):
        assert f'href="/console/templates/{kind}"' in page
    assert 'href="/console/templates/"' in client.get("/console/").get_data(as_text=True)


def test_the_editor_has_desktop_and_phone_previews_in_sandboxed_frames(
    client: Any, rt: Runtime, world: World
) -> None:
    _logged_in(client, rt, world)
    answer = client.get("/console/templates/offer")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'name="preview-desktop"' in page and 'name="preview-phone"' in page
    assert page.count('sandbox=""') == 3
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert "{{ lead.requirement }}" in page  # the source, escaped into the textarea


def test_the_preview_renders_a_draft_with_sample_data_under_its_own_csp(
    client: Any, rt: Runtime, world: World
) -> None:
    _logged_in(client, rt, world)
    form = _form(client, subject="Draft {{ lead.region }}")
    answer = client.post("/console/templates/offer/preview", data={**form, "lang": "de"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Lead übernehmen" in page
    assert "70xxx Stuttgart DE" in page
    csp = answer.headers["Content-Security-Policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp
    assert answer.headers["X-Frame-Options"] == "SAMEORIGIN"
    text = client.post("/console/templates/offer/preview", data={**form, "part": "text"})
    assert "Draft 70xxx Stuttgart DE" in text.get_data(as_text=True)


def test_an_invalid_template_is_refused_before_saving(
    client: Any, rt: Runtime, world: World
) -> None:
    _logged_in(client, rt, world)
    cases = {
        "body_mjml": "<mj-section><mj-column><mj-text>x</mj-column>",
        "subject": "{{ customer_secret }}",
        "body_text": "{% if offer.distance_km < 20 %}near{% endif %}",
    }
    for field, bad in cases.items():
        answer = client.post("/console/templates/offer", data=_form(client, **{field: bad}))
        assert answer.status_code == 422, field
        assert "Not saved" in answer.get_data(as_text=True)
    preview = client.post(
        "/console/templates/offer/preview", data=_form(client, subject="{{ nope }}")
    )
    assert preview.status_code == 422 and "unknown variable(s) nope" in preview.get_data(
        as_text=True
    )
    assert _versions(rt) == []


def test_saving_makes_a_new_active_version_that_emails_use_at_once(
    client: Any, rt: Runtime, world: World, smtp: MailCapture
) -> None:
    _logged_in(client, rt, world)
    form = _form(client, subject="Fresh {{ _(lead.temperature) }} lead in {{ lead.region }}")
    answer = client.post("/console/templates/offer", data=form)
    assert answer.status_code == 302
    assert _versions(rt) == [(1, True)]
    world.partner("Stuttgart")
    world.offered_lead()
    with rt.db.read() as s:
        ids = [e.id for e in s.exec(select(OutboundEmail)) if e.id is not None]
    assert outbox.dispatch(rt, ids) == 1
    assert smtp.messages()[-1].subject.startswith("Fresh warm lead in 70xxx Stuttgart")
    with rt.db.read() as s:
        kinds = [e.kind for e in s.exec(select(Event).where(Event.kind.startswith("template")))]  # type: ignore[attr-defined]
    assert kinds == ["template.saved", "template.activated"]


def test_versions_have_a_diff_and_a_rollback(
    client: Any, rt: Runtime, world: World, smtp: MailCapture
) -> None:
    _logged_in(client, rt, world)
    client.post(
        "/console/templates/taken", data=_form(client, "taken", subject="V1 {{ lead.region }}")
    )
    client.post(
        "/console/templates/taken", data=_form(client, "taken", subject="V2 {{ lead.region }}")
    )
    assert _versions(rt, "taken") == [(1, False), (2, True)]
    diff = client.get("/console/templates/taken/diff?a=1&b=2").get_data(as_text=True)
    assert '<span class="d-del">-V1 {{ lead.region }}</span>' in diff
    assert '<span class="d-add">+V2 {{ lead.region }}</span>' in diff
    csrf = _csrf(client, "/console/templates/taken")
    client.post("/console/templates/taken/activate", data={"csrf": csrf, "version": "1"})
    assert _versions(rt, "taken") == [(1, True), (2, False)]
    assert rt.renderer.active_version("taken") == 1
    client.post("/console/templates/taken/activate", data={"csrf": csrf, "version": "0"})
    assert _versions(rt, "taken") == [(1, False), (2, False)]
    assert rt.renderer.active_version("taken") == 0
    missing = client.post("/console/templates/taken/activate", data={"csrf": csrf, "version": "9"})
    assert missing.status_code == 404


def test_a_partner_manager_may_look_but_not_change(client: Any, rt: Runtime, world: World) -> None:
    _logged_in(client, rt, world, role="partner_manager")
    assert client.get("/console/templates/offer").status_code == 200
    assert client.post("/console/templates/offer", data=_form(client)).status_code == 403
    assert _versions(rt) == []


def test_a_test_email_goes_to_the_logged_in_user(
    client: Any, rt: Runtime, world: World, smtp: MailCapture
) -> None:
    _logged_in(client, rt, world)
    form = _form(client, "offer_reminder")
    answer = client.post("/console/templates/offer_reminder/test", data={**form, "lang": "de"})
    assert answer.status_code == 200
    assert "A test email went to ops@nordwind.test" in answer.get_data(as_text=True)
    [mail] = smtp.messages()
    assert mail.to == ["ops@nordwind.test"]
    assert mail.subject.startswith("[Test] Erinnerung")
    assert "Lead übernehmen" in html.unescape(mail.part("html")) and mail.part("plain")


def test_the_renderer_caches_active_versions_and_invalidation_is_immediate(
    rt: Runtime, client: Any, world: World
) -> None:
    assert rt.renderer.active_version("offer") == 0
    with rt.db.transaction() as s:  # another process saves and activates a version
        source = file_source("offer")
        s.add(
            EmailTemplate(
                kind="offer",
                version=1,
                subject="Other process",
                body_text=source.body_text,
                body_mjml=source.body_mjml,
                active=True,
                created_at=rt.clock.now(),
            )
        )
    assert rt.renderer.active_version("offer") == 0  # cached: no query per email
    rt.renderer.invalidate()
    assert rt.renderer.active_version("offer") == 1
    assert rt.renderer.compiled("offer").version == 1
