"""Console login, roles, CSRF and the lead pages."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import select

from mailflow.links.claims import ResetClaim, fingerprint
from mailflow.models import Contact, Territory
from mailflow.rules.passwords import hash_password
from mailflow.runtime import Runtime
from tests.factories import World

PASSWORD = "correct horse battery"


def _user(rt: Runtime, world: World, role: str = "admin", email: str = "ops@nordwind.test") -> None:
    """A console user; a partner manager gets Germany as territory (its slice)."""
    org = world.manufacturer()
    with rt.db.transaction() as s:
        user = Contact(
            organization_id=org,
            name="Ops",
            email=email,
            role=role,
            password_hash=hash_password(PASSWORD),
            created_at=rt.clock.now(),
        )
        s.add(user)
        s.flush()
        if role == "partner_manager":
            s.add(Territory(name="Germany", manager_contact_id=user.id, country="DE",
                            created_at=rt.clock.now()))  # fmt: skip


def _csrf(client: Any, path: str = "/console/login") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


def _login(
    client: Any, email: str = "ops@nordwind.test", password: str = PASSWORD, **kw: Any
) -> Any:
    return client.post(
        "/console/login", data={"email": email, "password": password, "csrf": _csrf(client)}, **kw
    )


def test_console_pages_need_a_login(client: Any) -> None:
    for path in ("/console/", "/console/leads/1"):
        answer = client.get(path)
        assert answer.status_code == 302 and "/console/login" in answer.headers["Location"]


def test_a_wrong_password_is_refused(client: Any, rt: Runtime, world: World) -> None:
    _user(rt, world)
    assert _login(client, password="wrong password!").status_code == 401
    assert client.get("/console/").status_code == 302


def test_partners_without_a_console_role_cannot_log_in(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world, role="sales", email="sales@dealer.test")
    assert _login(client, email="sales@dealer.test").status_code == 401


def test_login_shows_the_leads_and_a_leads_audit_trail(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)
    world.partner("Stuttgart")
    lead, _ = world.offered_lead()
    assert _login(client).status_code == 302
    listing = client.get("/console/").get_data(as_text=True)
    assert f"/console/leads/{lead.id}" in listing
    detail = client.get(f"/console/leads/{lead.id}").get_data(as_text=True)
    assert "lead.offered" in detail and "offer.opened" in detail


def test_login_without_the_csrf_token_is_refused(client: Any, rt: Runtime, world: World) -> None:
    _user(rt, world)
    client.get("/console/login")
    answer = client.post(
        "/console/login", data={"email": "ops@nordwind.test", "password": PASSWORD}
    )
    assert answer.status_code == 400


def test_login_never_redirects_to_another_site(client: Any, rt: Runtime, world: World) -> None:
    _user(rt, world)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        csrf = _csrf(client)
        answer = client.post(
            f"/console/login?next={target}",
            data={"email": "ops@nordwind.test", "password": PASSWORD, "csrf": csrf},
        )
        assert answer.status_code == 302
        assert answer.headers["Location"] == "/console/"
        client.post("/console/logout", data={"csrf": _csrf(client, "/console/")})


def _reset_link(rt: Runtime, email: str) -> str:
    with rt.db.read() as s:
        user = s.exec(select(Contact).where(Contact.email == email)).one()
    assert user.id is not None
    return rt.signer.path(ResetClaim(user.id, fingerprint(user.password_hash)))


def test_the_reset_page_refuses_a_weak_password_and_says_why(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)
    link = _reset_link(rt, "ops@nordwind.test")
    for weak, because in (
        (" " * 10, "cannot be only spaces"),
        ("aaaaabbbbbaaaaa", "at least 5 different characters"),
        ("Password123!", "one of the most common ones"),
        ("ops@nordwind.test 2024", "must not contain your email address or your name"),
    ):
        form = {"password": weak, "password2": weak, "csrf": _csrf(client, link)}
        answer = client.post(link, data=form)
        assert answer.status_code == 422, weak
        assert because in answer.get_data(as_text=True), weak
    assert _login(client).status_code == 302  # the old password still works


def test_the_cli_refuses_a_weak_password_and_sets_a_good_one(
    rt: Runtime, world: World, monkeypatch: Any, capsys: Any
) -> None:
    import io

    from mailflow import cli

    _user(rt, world)
    monkeypatch.setenv("MAILFLOW_DATABASE_URL", rt.settings.database_url)
    monkeypatch.setenv("MAILFLOW_DATA_DIR", str(rt.settings.data_dir))
    monkeypatch.setenv("MAILFLOW_SECRET_KEYS", rt.settings.secret_keys[-1])
    for weak in (" " * 10, "ops@nordwind.test!"):
        monkeypatch.setattr("sys.stdin", io.StringIO(weak + "\n"))
        assert cli.main(["password", "ops@nordwind.test"]) == 1
    assert "must not contain your email address" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("Tulip garden 1987\n"))
    assert cli.main(["password", "ops@nordwind.test"]) == 0
    with rt.db.read() as s:
        from sqlmodel import select

        from mailflow.models import Event

        kinds = [
            e.kind for e in s.exec(select(Event)) if e.kind.startswith(("password", "contact"))
        ]
    assert kinds == ["password.set", "contact.sessions_ended"]
