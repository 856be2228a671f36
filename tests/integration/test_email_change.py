"""A console user's email change: asked in the console (with the current password) or by
an operator (``mailflow user email``), confirmed from the OLD address by a signed,
expiring, single-use link; the change ends every console session and tells the new
address."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import col, select

from mailflow.actions.outbound import outbox
from mailflow.jobs.broker import JobQueue
from mailflow.links.claims import EmailChangeClaim, ResetClaim, fingerprint
from mailflow.links.signer import EMAIL_CHANGE_MAX_AGE_S, Signer
from mailflow.mail.capture import CapturedMail, MailCapture
from mailflow.models import Contact, Event, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World
from tests.hierarchy import PASSWORD, build

NEW = "new.admin@elsewhere.example"


def _csrf(client: Any, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def _login(client: Any, email: str, password: str = PASSWORD) -> int:
    data = {"email": email, "password": password, "csrf": _csrf(client, "/console/login")}
    return int(client.post("/console/login", data=data).status_code)


def _ask(client: Any, new: str, password: str = PASSWORD) -> Any:
    data = {"email": new, "password": password, "csrf": _csrf(client, "/console/email")}
    return client.post("/console/email", data=data)


def _mails(smtp: MailCapture, kind: str) -> list[CapturedMail]:
    return [m for m in smtp.messages() if m.message["X-Mailflow-Kind"] == kind]


def _link(mail: CapturedMail) -> str:
    found = re.search(r"(http://\S+/console/email/[\w.\-]+)", mail.part("plain"))
    assert found, "no confirmation link"
    return urlsplit(found.group(1)).path


def _confirm(client: Any, path: str) -> Any:
    return client.post(path, data={"csrf": _csrf(client, "/console/reset")})


def _email_of(rt: Runtime, contact_id: int) -> str:
    with rt.db.read() as s:
        contact = s.get(Contact, contact_id)
        assert contact is not None
        return contact.email


def _events(rt: Runtime, contact_id: int) -> list[tuple[str, dict[str, Any]]]:
    with rt.db.read() as s:
        rows = s.exec(select(Event).order_by(col(Event.id))).all()
    return [
        (e.kind, e.data)
        for e in rows
        if e.kind.startswith("contact.") and e.data.get("contact_id") == contact_id
    ]


def _queued(rt: Runtime, kind: str) -> list[OutboundEmail]:
    with rt.db.read() as s:
        return list(s.exec(select(OutboundEmail).where(OutboundEmail.kind == kind)).all())


def test_a_console_user_changes_its_email_once_the_old_address_confirms(
    rt: Runtime, app: Any, queue: JobQueue, smtp: MailCapture
) -> None:
    h = build(rt)
    old, admin = h.email("admin"), h.contacts["admin"]
    browser, laptop = app.test_client(), app.test_client()
    assert _login(browser, old) == 302 and _login(laptop, old) == 302
    page = browser.get("/console/")
    assert 'href="/console/email"' in page.get_data(as_text=True)  # in the navigation
    asked = _ask(browser, "  New.Admin@Elsewhere.EXAMPLE ")
    assert asked.status_code == 200
    assert f"sent a link to {old}" in asked.get_data(as_text=True)
    queue.drain()
    [request] = _mails(smtp, "email_change")
    assert request.to == [old] and NEW in request.part("plain")
    assert _mails(smtp, "email_changed") == []
    path = _link(request)
    stranger = app.test_client()  # the owner opens the link from the old mailbox
    for _ in range(2):
        shown = stranger.get(path)
        assert shown.status_code == 200
        assert old in shown.text and NEW in shown.text and "Change" in shown.text
        assert shown.headers["Cache-Control"] == "no-store"
    assert _email_of(rt, admin) == old  # GET never changes state
    assert browser.get("/console/").status_code == 200
    done = _confirm(stranger, path)
    assert done.status_code == 200 and NEW in done.text
    assert _email_of(rt, admin) == NEW
    for session in (browser, laptop):  # every console session of the user ended
        answer = session.get("/console/")
        assert answer.status_code == 302 and "/console/login" in answer.headers["Location"]
    assert _login(app.test_client(), old) == 401
    assert _login(app.test_client(), NEW) == 302
    queue.drain()
    [notice] = _mails(smtp, "email_changed")
    assert notice.to == [NEW] and old in notice.part("plain")
    assert _events(rt, admin) == [
        ("contact.email_change_requested", {"contact_id": admin, "new": NEW}),
        ("contact.email_changed", {"contact_id": admin, "old": old, "new": NEW}),
        ("contact.sessions_ended", {"contact_id": admin, "reason": "email changed"}),
    ]


def test_a_confirmation_link_works_once_and_a_newer_change_spends_older_links(
    rt: Runtime, app: Any, queue: JobQueue, smtp: MailCapture
) -> None:
    h = build(rt)
    browser = app.test_client()
    assert _login(browser, h.email("pm1")) == 302
    assert _ask(browser, "first@elsewhere.example").status_code == 200
    assert _ask(browser, "second@elsewhere.example").status_code == 200
    queue.drain()
    # the outbox sends in no promised order: tell the two links apart by the address they ask for
    links = {"first@" in m.part("plain"): _link(m) for m in _mails(smtp, "email_change")}
    first, second = links[True], links[False]
    assert _confirm(app.test_client(), first).status_code == 200
    assert _email_of(rt, h.contacts["pm1"]) == "first@elsewhere.example"
    for path in (first, second):  # used, or asked for an address the account no longer has
        client = app.test_client()
        refused = client.get(path)
        assert refused.status_code == 410 and "used already" in refused.text
        assert _confirm(client, path).status_code == 410
    assert _email_of(rt, h.contacts["pm1"]) == "first@elsewhere.example"
    kinds = [kind for kind, _ in _events(rt, h.contacts["pm1"])]
    assert kinds.count("contact.email_changed") == 1


def test_a_forged_or_expired_link_is_refused_with_a_clear_page(
    rt: Runtime, app: Any, queue: JobQueue, smtp: MailCapture
) -> None:
    h = build(rt)
    admin = h.contacts["admin"]
    start = rt.clock.now()
    rt.clock.set(start)
    old = fingerprint(h.email("admin"))
    sign = rt.signer.sign
    good = sign(EmailChangeClaim(admin, NEW, old))
    forged = {
        "tampered": good[:-4] + ("abcd" if not good.endswith("abcd") else "dcba"),
        "another key": Signer(["not-our-key-0123456789"], 60).sign(
            EmailChangeClaim(admin, NEW, old)
        ),
        "a reset token": sign(ResetClaim(admin, old)),
        "no address": sign(EmailChangeClaim(admin, None, old)),
        "a bad address": sign(EmailChangeClaim(admin, "x\r\nBcc: y", old)),
        "no contact": sign(EmailChangeClaim(10**6, NEW, old)),
    }
    client = app.test_client()
    for what, token in forged.items():
        for answer in (client.get(f"/console/email/{token}"),
                       _confirm(client, f"/console/email/{token}")):  # fmt: skip
            assert answer.status_code == 404, what
            assert "not valid" in answer.text, what
    rt.clock.advance(seconds=EMAIL_CHANGE_MAX_AGE_S + 60)
    for answer in (client.get(f"/console/email/{good}"),
                   _confirm(client, f"/console/email/{good}")):  # fmt: skip
        assert answer.status_code == 410 and "expired" in answer.text
    rt.clock.set(start)
    assert _email_of(rt, admin) == h.email("admin")
    assert client.get(f"/console/email/{good}").status_code == 200  # within its day it works


def test_an_address_another_contact_uses_is_refused_when_asked_and_when_confirmed(
    rt: Runtime, app: Any, world: World, queue: JobQueue, smtp: MailCapture
) -> None:
    h = build(rt)
    browser = app.test_client()
    assert _login(browser, h.email("admin")) == 302
    for taken in ("BSALES@roles.example", " b@Roles.Example", h.email("admin")):
        refused = _ask(browser, taken)
        assert refused.status_code == 422, taken
        assert "already" in refused.text, taken
    assert _queued(rt, "email_change") == []
    assert _ask(browser, "free@elsewhere.example").status_code == 200
    queue.drain()
    path = _link(_mails(smtp, "email_change")[0])
    partner = world.partner("Ulm")
    with rt.db.transaction() as s:  # meanwhile a partner's contact got that address
        contact = s.exec(select(Contact).where(Contact.organization_id == partner.id)).first()
        assert contact is not None
        contact.email = "free@elsewhere.example"
    refused = _confirm(app.test_client(), path)
    assert refused.status_code == 422 and "already used by another contact" in refused.text
    assert _email_of(rt, h.contacts["admin"]) == h.email("admin")


def test_asking_needs_the_current_password_and_a_real_address(
    rt: Runtime, app: Any, queue: JobQueue
) -> None:
    h = build(rt)
    browser = app.test_client()
    assert _login(browser, h.email("r1")) == 302
    wrong = _ask(browser, "fine@elsewhere.example", password="not my password")
    assert wrong.status_code == 422 and "password is not right" in wrong.text
    for bad in ("no-at-sign", "a@b", "a b@c.example", "Eve <eve@evil.example>",
                "x@y.example\r\nBcc: eve@evil.example", "a@b.example,eve@evil.example",
                '"quoted"@b.example', "a@@b.example", "x" * 250 + "@b.example", ""):  # fmt: skip
        refused = _ask(browser, bad)
        assert refused.status_code == 422, bad
        assert "not a valid email address" in refused.text, bad
    assert _queued(rt, "email_change") == []
    assert _email_of(rt, h.contacts["r1"]) == h.email("r1")


def test_wrong_passwords_count_as_failed_logins_and_requests_have_an_email_budget(
    rt: Runtime, app: Any, queue: JobQueue
) -> None:
    rt.settings = rt.settings.with_(login_failures_per_minute=2, reset_requests_per_hour=2)
    h = build(rt)
    browser = app.test_client()
    assert _login(browser, h.email("a1")) == 302
    guesses = [_ask(browser, "x@elsewhere.example", f"guess {i}").status_code for i in range(3)]
    assert guesses == [422, 422, 429]
    other = app.test_client()
    assert _login(other, h.email("a2")) == 302
    answers = [_ask(other, f"n{i}@elsewhere.example").status_code for i in range(3)]
    assert answers == [200, 200, 429]
    assert len(_queued(rt, "email_change")) == 2


def _cli(rt: Runtime, monkeypatch: Any, *argv: str) -> int:
    from mailflow import cli

    monkeypatch.setenv("MAILFLOW_DATABASE_URL", rt.settings.database_url)
    monkeypatch.setenv("MAILFLOW_DATA_DIR", str(rt.settings.data_dir))
    monkeypatch.setenv("MAILFLOW_SECRET_KEYS", ",".join(rt.settings.secret_keys))
    monkeypatch.setenv("MAILFLOW_BASE_URL", rt.settings.base_url)
    return cli.main(list(argv))


def test_the_cli_asks_the_old_address_to_confirm_in_its_language(
    rt: Runtime, app: Any, world: World, smtp: MailCapture, monkeypatch: Any, capsys: Any
) -> None:
    h = build(rt)
    with rt.db.transaction() as s:
        pm2 = s.get(Contact, h.contacts["pm2"])
        assert pm2 is not None
        pm2.language = "de"
    assert _cli(rt, monkeypatch, "user", "email", h.email("pm2").upper(), "PM2@Neu.example") == 0
    assert f"asked {h.email('pm2')} to confirm the change to pm2@neu.example" in (
        capsys.readouterr().out
    )
    assert _email_of(rt, h.contacts["pm2"]) == h.email("pm2")  # not before the confirmation
    [row] = _queued(rt, "email_change")
    assert row.to_addr == h.email("pm2")
    assert outbox.dispatch(rt, [row.id]) == 1  # type: ignore[list-item]
    [mail] = _mails(smtp, "email_change")
    assert "E-Mail-Adresse" in mail.subject
    assert _confirm(app.test_client(), _link(mail)).status_code == 200
    assert _email_of(rt, h.contacts["pm2"]) == "pm2@neu.example"
    partner_contact = world.contacts(world.partner("Ulm").id)[0]  # type: ignore[arg-type]
    for argv, why in (
        (("nobody@nowhere.example", "x@neu.example"), "no contact"),
        ((h.email("pm1"), h.email("admin")), "already used"),
        ((h.email("pm1"), "not an address"), "not a valid email address"),
        ((partner_contact.email, "p@neu.example"), "not a console user"),
    ):
        assert _cli(rt, monkeypatch, "user", "email", *argv) == 1, argv
        assert why in capsys.readouterr().err, argv
    assert len(_queued(rt, "email_change")) == 1
