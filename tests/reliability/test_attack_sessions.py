"""Attacks on console sessions: a copied session cookie stops working when its user logs
out, changes the password or gets another role, and after an idle hour or a long day.

The session cookie carries the user's session generation; logout, a new password and a
role change bump it, so every older cookie of that user is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlmodel import col, select

from mailflow.clock import Clock
from mailflow.links.claims import ResetClaim, fingerprint
from mailflow.models import Contact, Event
from mailflow.runtime import Runtime

COOKIE = "mailflow_console"


def _copy(client: Any, app: Any) -> Any:
    """A second browser holding a copy of ``client``'s session cookie."""
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie.value)
    return thief


def _sent_to_login(client: Any) -> bool:
    answer = client.get("/console/")
    return answer.status_code == 302 and urlsplit(answer.headers["Location"]).path == (
        "/console/login"
    )


def _contact(rt: Runtime, email: str) -> Contact:
    with rt.db.read() as s:
        return s.exec(select(Contact).where(Contact.email == email)).one()


def _ended(rt: Runtime) -> list[tuple[str, dict[str, Any]]]:
    with rt.db.read() as s:
        rows = s.exec(
            select(Event).where(Event.kind == "contact.sessions_ended").order_by(col(Event.id))
        ).all()
    return [(e.actor, e.data) for e in rows]


def test_a_cookie_copied_before_logout_is_refused_after_it(
    app: Any, rt: Runtime, console_users: dict[str, str], login: Callable[[Any, str], str]
) -> None:
    browser, laptop = app.test_client(), app.test_client()
    csrf = login(browser, "ops")
    login(laptop, "ops")
    thief = _copy(browser, app)
    assert thief.get("/console/").status_code == 200
    answer = browser.post("/console/logout", data={"csrf": csrf})
    assert _sent_to_login(thief)
    assert _sent_to_login(laptop)  # every session of the user ends, and the page says so
    assert "logged out everywhere" in browser.get(answer.headers["Location"]).text
    user = _contact(rt, console_users["ops"])
    assert _ended(rt) == [(f"console:{user.id}", {"contact_id": user.id, "reason": "logout"})]
    login(browser, "ops")  # a new login works
    assert browser.get("/console/").status_code == 200


def test_a_password_change_ends_every_session(
    app: Any, rt: Runtime, console_users: dict[str, str], login: Callable[[Any, str], str]
) -> None:
    browser = app.test_client()
    login(browser, "admin")
    thief = _copy(browser, app)
    user = _contact(rt, console_users["admin"])
    assert user.id is not None
    token = rt.signer.sign(ResetClaim(user.id, fingerprint(user.password_hash)))
    reset = app.test_client()
    reset.get("/console/reset")
    with reset.session_transaction() as session:
        form = {"csrf": session["csrf"], "password": "Tulip garden 1987", "password2": ""}
    form["password2"] = form["password"]
    assert reset.post(f"/console/reset/{token}", data=form).status_code == 200
    assert _sent_to_login(thief)
    assert _sent_to_login(browser)
    assert [reason["reason"] for _, reason in _ended(rt)] == ["password.reset"]


def _cli(rt: Runtime, monkeypatch: Any, *argv: str) -> int:
    from mailflow import cli

    monkeypatch.setenv("MAILFLOW_DATABASE_URL", rt.settings.database_url)
    monkeypatch.setenv("MAILFLOW_DATA_DIR", str(rt.settings.data_dir))
    monkeypatch.setenv("MAILFLOW_SECRET_KEYS", ",".join(rt.settings.secret_keys))
    return cli.main(list(argv))


def test_a_role_change_ends_every_session(
    app: Any,
    rt: Runtime,
    console_users: dict[str, str],
    login: Callable[..., str],
    monkeypatch: Any,
) -> None:
    browser = app.test_client()
    login(browser, "manager")
    thief = _copy(browser, app)
    user = _contact(rt, console_users["manager"])
    # still a console role, with less to see
    assert _cli(rt, monkeypatch, "user", "role", user.email, "rep") == 0
    assert _sent_to_login(thief)
    assert _sent_to_login(browser)
    assert [reason["reason"] for _, reason in _ended(rt)] == ["role changed"]
    login(browser, "manager")  # the same person, now with the new role
    assert browser.get("/console/").status_code == 200


def test_an_unchanged_role_keeps_the_sessions(
    app: Any,
    rt: Runtime,
    console_users: dict[str, str],
    login: Callable[..., str],
    monkeypatch: Any,
) -> None:
    browser = app.test_client()
    login(browser, "manager")
    user = _contact(rt, console_users["manager"])
    assert _cli(rt, monkeypatch, "user", "role", user.email, "manager") == 0
    assert browser.get("/console/").status_code == 200
    assert _ended(rt) == []


def test_disabling_a_login_ends_every_session_and_the_password(
    app: Any,
    rt: Runtime,
    console_users: dict[str, str],
    login: Callable[..., str],
    monkeypatch: Any,
) -> None:
    browser = app.test_client()
    login(browser, "manager")
    user = _contact(rt, console_users["manager"])
    assert _cli(rt, monkeypatch, "user", "disable", user.email) == 0
    assert _sent_to_login(browser)
    assert [reason["reason"] for _, reason in _ended(rt)] == ["login disabled"]
    assert _contact(rt, console_users["manager"]).password_hash is None


def test_an_unknown_role_is_refused_with_a_clear_message(
    rt: Runtime, console_users: dict[str, str], monkeypatch: Any, capsys: Any
) -> None:
    user = _contact(rt, console_users["manager"])
    assert _cli(rt, monkeypatch, "user", "role", user.email, "owner") == 1
    assert "unknown console role 'owner'" in capsys.readouterr().err
    assert _ended(rt) == []


def test_an_idle_session_ends_after_the_idle_time(
    app: Any, rt: Runtime, clock: Clock, login: Callable[[Any, str], str]
) -> None:
    rt.settings = rt.settings.with_(console_idle_minutes=60)
    clock.set(datetime(2026, 3, 4, 9, tzinfo=UTC))
    browser = app.test_client()
    login(browser, "ops")
    clock.advance(minutes=59)
    assert browser.get("/console/").status_code == 200  # activity moves the idle time on
    clock.advance(minutes=59)
    assert browser.get("/console/").status_code == 200
    thief = _copy(browser, app)
    clock.advance(minutes=61)
    assert _sent_to_login(thief)
    assert _sent_to_login(browser)


def test_a_busy_session_ends_after_its_lifetime(
    app: Any, rt: Runtime, clock: Clock, login: Callable[[Any, str], str]
) -> None:
    rt.settings = rt.settings.with_(console_idle_minutes=60, console_session_hours=12)
    clock.set(datetime(2026, 3, 4, 7, tzinfo=UTC))
    browser = app.test_client()
    login(browser, "ops")
    for _ in range(23):  # busy every half hour, for eleven and a half hours
        clock.advance(minutes=30)
        assert browser.get("/console/").status_code == 200
    clock.advance(minutes=31)
    assert _sent_to_login(browser)


def test_the_session_cookie_is_http_only_same_site_lax_and_secure_on_https(
    app: Any, rt: Runtime, console_users: dict[str, str], login: Callable[[Any, str], str]
) -> None:
    from mailflow.web import create_app

    plain = app.test_client()
    login(plain, "ops")
    cookie = plain.get_cookie(COOKIE)
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    rt.settings = rt.settings.with_(base_url="https://leads.nordwind.example")
    secure = create_app(rt).test_client()
    login(secure, "ops")
    cookie = secure.get_cookie(COOKIE)
    assert cookie.http_only and cookie.same_site == "Lax" and cookie.secure


def test_https_sends_hsts_on_every_response(app: Any, rt: Runtime) -> None:
    from mailflow.web import create_app

    assert "Strict-Transport-Security" not in app.test_client().get("/healthz").headers
    rt.settings = rt.settings.with_(base_url="https://leads.nordwind.example")
    client = create_app(rt).test_client()
    for path in ("/healthz", "/console/login", "/console/", "/a/not-a-token", "/api/v1/leads"):
        answer = client.get(path)
        hsts = answer.headers.get("Strict-Transport-Security")
        assert hsts == "max-age=31536000; includeSubDomains", (path, answer.status_code)


def test_the_session_and_proxy_settings_are_strict(tmp_path: Any) -> None:
    from mailflow.settings import SettingsError, load_settings

    base = {"MAILFLOW_DATA_DIR": str(tmp_path)}
    defaults = load_settings(base)
    assert (defaults.console_idle_minutes, defaults.console_session_hours) == (60, 12)
    assert (defaults.reset_requests_per_hour, defaults.trusted_proxies) == (3, 0)
    for name, value in (
        ("CONSOLE_IDLE_MINUTES", "0"),
        ("CONSOLE_SESSION_HOURS", "twelve"),
        ("RESET_REQUESTS_PER_HOUR", "0"),
        ("TRUSTED_PROXIES", "-1"),
    ):
        with pytest.raises(SettingsError, match=f"MAILFLOW_{name}"):
            load_settings({**base, f"MAILFLOW_{name}": value})
    assert load_settings({**base, "MAILFLOW_TRUSTED_PROXIES": "2"}).trusted_proxies == 2
