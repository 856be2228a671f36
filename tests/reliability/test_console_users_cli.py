"""``mailflow user role`` and ``mailflow user disable`` through the real CLI, database and
console login: a disabled user cannot log in, and the last admin who can log in can be
neither demoted nor disabled, so the console never ends up without anyone to manage it."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from sqlmodel import col, select

from mailflow.models import Contact, Event
from mailflow.runtime import Runtime
from tests.reliability.conftest import PASSWORD, csrf_of

SECOND = "second-admin@console.test"


def _cli(rt: Runtime, monkeypatch: Any, *argv: str) -> int:
    from mailflow import cli

    monkeypatch.setenv("MAILFLOW_DATABASE_URL", rt.settings.database_url)
    monkeypatch.setenv("MAILFLOW_DATA_DIR", str(rt.settings.data_dir))
    monkeypatch.setenv("MAILFLOW_SECRET_KEYS", ",".join(rt.settings.secret_keys))
    return cli.main(list(argv))


def _log_in(client: Any, email: str, password: str = PASSWORD) -> int:
    form = {"email": email, "password": password, "csrf": csrf_of(client)}
    return int(client.post("/console/login", data=form).status_code)


def _events(rt: Runtime, *kinds: str) -> list[tuple[str, str, dict[str, Any]]]:
    with rt.db.read() as s:
        rows = s.exec(select(Event).where(col(Event.kind).in_(kinds)).order_by(col(Event.id))).all()
    return [(e.kind, e.actor, e.data) for e in rows]


def _role(rt: Runtime, email: str) -> str:
    with rt.db.read() as s:
        return s.exec(select(Contact.role).where(Contact.email == email)).one()


def test_a_disabled_user_can_no_longer_log_in(
    app: Any, rt: Runtime, console_users: dict[str, str], monkeypatch: Any, capsys: Any
) -> None:
    email = console_users["manager"]
    assert _log_in(app.test_client(), email) == 302
    assert _cli(rt, monkeypatch, "user", "disable", email) == 0
    assert f"{email} can no longer log in" in capsys.readouterr().out
    assert _log_in(app.test_client(), email) == 401
    assert [(kind, actor) for kind, actor, _ in _events(rt, "contact.login_disabled")] == [
        ("contact.login_disabled", "cli")
    ]


def test_a_disabled_user_gets_its_login_back_with_a_role_and_a_password(
    app: Any, rt: Runtime, console_users: dict[str, str], monkeypatch: Any
) -> None:
    email = console_users["manager"]
    assert _cli(rt, monkeypatch, "user", "disable", email) == 0
    assert _cli(rt, monkeypatch, "user", "role", email, "manager") == 0
    assert _log_in(app.test_client(), email) == 401  # a role alone: still no password
    monkeypatch.setattr("sys.stdin", io.StringIO("Tulip garden 1987\n"))
    assert _cli(rt, monkeypatch, "password", email) == 0
    assert _log_in(app.test_client(), email, "Tulip garden 1987") == 302


def test_the_last_admin_can_be_neither_demoted_nor_disabled(
    app: Any,
    rt: Runtime,
    console_users: dict[str, str],
    login: Callable[[Any, str], str],
    monkeypatch: Any,
    capsys: Any,
) -> None:
    admin = console_users["admin"]
    browser = app.test_client()
    login(browser, "admin")
    assert _cli(rt, monkeypatch, "user", "role", admin, "ops") == 1
    assert "it is the last admin who can log in" in capsys.readouterr().err
    assert _cli(rt, monkeypatch, "user", "disable", admin) == 1
    assert "refused disabling admin@console.test" in capsys.readouterr().err
    assert _role(rt, admin) == "admin"
    assert browser.get("/console/").status_code == 200  # its session goes on
    assert _log_in(app.test_client(), admin) == 302
    assert _events(rt, "contact.role_changed", "contact.login_disabled") == []


def test_an_admin_can_go_while_another_admin_can_log_in(
    app: Any, rt: Runtime, console_users: dict[str, str], monkeypatch: Any, capsys: Any
) -> None:
    admin = console_users["admin"]
    monkeypatch.setenv("MAILFLOW_SETUP_PASSWORD", "Tulip garden 1987")
    assert _cli(rt, monkeypatch, "user", "add", SECOND, "Second Admin", "admin") == 0
    assert _cli(rt, monkeypatch, "user", "role", admin, "ops") == 0
    assert _role(rt, admin) == "ops"
    # the demoted one is no admin any more: the second is now the last one
    assert _cli(rt, monkeypatch, "user", "disable", SECOND) == 1
    assert "refused disabling second-admin@console.test" in capsys.readouterr().err
    assert _log_in(app.test_client(), SECOND, "Tulip garden 1987") == 302
    changed = _events(rt, "contact.role_changed")
    assert [(actor, data["old"], data["new"]) for _, actor, data in changed] == [
        ("cli", "admin", "ops")
    ]


def test_an_admin_without_a_login_does_not_count_as_the_other_admin(
    rt: Runtime, console_users: dict[str, str], monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.setenv("MAILFLOW_SETUP_PASSWORD", "Tulip garden 1987")
    assert _cli(rt, monkeypatch, "user", "add", SECOND, "Second Admin", "admin") == 0
    assert _cli(rt, monkeypatch, "user", "disable", SECOND) == 0
    assert _cli(rt, monkeypatch, "user", "role", console_users["admin"], "rep") == 1
    assert "last admin who can log in" in capsys.readouterr().err
