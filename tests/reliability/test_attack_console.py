"""Attacks on the console: every page needs a login and the right role, every form a
CSRF token, and the login's ``next=`` never leads to another site.

The routes are enumerated from the app's url_map, so a new console route fails these
tests until it is listed in ``ACCESS`` with the roles that may use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from mailflow.actions import unit
from mailflow.actions.deals.register import register
from mailflow.actions.leads.pick import pick
from mailflow.models.schemas import DealIn
from mailflow.queries.visibility import CONSOLE_ROLES
from mailflow.runtime import Runtime
from tests.factories import World
from tests.reliability.conftest import Snapshot, csrf_of

ALL = frozenset(CONSOLE_ROLES)
STAFF = frozenset({"admin", "ops"})
ADMIN = frozenset({"admin"})
REVIEW = frozenset({"admin", "ops", "partner_manager"})
MANAGERS = frozenset({"admin", "partner_manager", "manager"})

# endpoint → the roles that may use it (everyone else who is logged in gets 403)
ACCESS: dict[str, frozenset[str]] = {
    "console.index": ALL,
    "console.lead": ALL,
    "console_dashboard.dashboard": ALL,
    "console_dashboard.dashboard_csv": ALL,
    "console_dashboard.leads_csv": ALL,
    "console_dashboard.schedule": ALL,
    "console_dashboard.points": ALL,
    "console_dashboard.convert": REVIEW,
    "console_direct.exports": STAFF,  # every lead with its customer data
    "console_direct.download": STAFF,
    "console_direct.webhooks": STAFF,  # every partner's webhook deliveries
    "console_jobs.failed_jobs": STAFF,
    "console_connections.index": STAFF,  # every mailbox with its errors
    "console_brand.edit": STAFF,  # how the manufacturer's emails look
    "console_brand.save": STAFF,
    "console_brand.preview": STAFF,
    "console_review.index": REVIEW,
    "console_review.show": REVIEW,
    "console_review.decide": REVIEW,
    "console_review.answer": REVIEW,  # writes to the partner who sent the message
    "console_matching.queue": MANAGERS | STAFF,  # every new lead; the ranking of partners
    "console_matching.explanation": MANAGERS | STAFF,
    "console_matching.approve_lead": MANAGERS,
    "console_matching.offer": MANAGERS,
    "console_matching.assign_lead": MANAGERS,
    "console_templates.index": ALL,
    "console_templates.edit": ALL,
    "console_templates.diff": ADMIN,  # the template source (MJML, Jinja) is the admins'
    "console_templates.preview": ADMIN,  # renders a draft: only who may edit templates
    "console_templates.save": ADMIN,
    "console_templates.activate": ADMIN,
    "console_templates.test_email": ADMIN,
    "console_wording.page": STAFF,  # the wording of each email per language: ops
    "console_wording.save": STAFF,
    "console_wording.preview": STAFF,
    "console_wording.publish_draft": STAFF,
    "console_wording.discard_draft": STAFF,
    "console_email.ask": ALL,  # one's own email address (needs the current password)
    "console_lead.withdraw_lead": REVIEW,  # the lead page's actions: staff and partner managers
    "console_lead.note": REVIEW,
    "console_lead.edit": REVIEW,
    "console_lead.reassign_lead": REVIEW,
    "console_lead.message": REVIEW,
    "console_lead.legal_basis": REVIEW,  # the lead's legal basis, which a campaign may require
    "console_deals.index": REVIEW,  # partners' deal registrations with their customers
    "console_deals.show": REVIEW,
    "console_deals.decide": REVIEW,
    "console_territory.index": REVIEW,  # partners' requests for wider regions
    "console_territory.decide": REVIEW,  # (the action itself lets partner managers alone)
    "console_invitations.index": REVIEW,  # partners invited and where each stands
    "console_invitations.invite": REVIEW,
    "console_invitations.publish": STAFF,  # a new version of the terms or the agreement
}
# reachable without a login: the login itself, the password reset and the confirmation of an
# email change (its signed link is opened from the old mailbox)
PUBLIC = {
    "console_auth.login",
    "console_auth.logout",
    "console_reset.ask",
    "console_reset.choose",
    "console_email.confirm",
}


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """Authorization does not depend on the database: SQLite only keeps these fast."""
    return sqlite_url


@pytest.fixture
def lead_id(rt: Runtime, world: World, console_users: dict[str, str]) -> int:
    """A lead picked by the console users' dealer (by its rep), so every role may see it;
    and a deal registration of that dealer."""
    lead, offers = world.offered_lead()
    dealer = next(o for o in offers if o.organization_id == _dealer(world))
    rep = next(c for c in world.contacts(dealer.organization_id) if c.role == "rep")
    with unit(rt, "test", "web") as ctx:  # a rep sees the leads picked in their name
        pick(ctx, dealer.id, rep.id)  # type: ignore[arg-type]
    with unit(rt, "test", "web") as ctx:  # and the dealer's deal registration #1
        register(ctx, dealer.organization_id, rep.id, DealIn(customer_name="Kunde"))
    assert lead.id is not None
    return lead.id


def _dealer(world: World) -> int:
    from sqlmodel import select

    from mailflow.models import Organization

    with world.rt.db.read() as s:
        found = s.exec(select(Organization.id).where(Organization.name == "Console Dealer")).one()
    return int(found)  # type: ignore[arg-type]


def _console_rules(app: Any, method: str) -> list[tuple[str, str]]:
    return sorted(
        (rule.endpoint, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/console") and method in (rule.methods or ())
    )


def _path(rule: str, lead_id: int) -> str:
    values = {
        "<int:lead_id>": str(lead_id),
        "<int:inbound_id>": "1",
        "<int:deal_id>": "1",
        "<int:request_id>": "1",
        "<what>": "leads",
        "<kind>": "offer",
        "<token>": "x",
    }
    for key, value in values.items():
        rule = rule.replace(key, value)
    return rule


def test_every_console_route_is_listed_with_its_roles(app: Any) -> None:
    endpoints = {e for m in ("GET", "POST") for e, _ in _console_rules(app, m)}
    assert endpoints - PUBLIC - ACCESS.keys() == set(), "a new console route: list its roles"
    assert ACCESS.keys() - endpoints == set()


def test_anonymous_visitors_are_sent_to_the_login_page(
    app: Any, client: Any, lead_id: int, db_state: Callable[[], Snapshot]
) -> None:
    before = db_state()
    for method in ("GET", "POST"):
        for endpoint, rule in _console_rules(app, method):
            if endpoint in PUBLIC:
                continue
            path = _path(rule, lead_id)
            answer = client.open(path, method=method, data={"csrf": "x"})
            assert answer.status_code == 302, (method, path)
            location = answer.headers["Location"]
            assert urlsplit(location).path == "/console/login", (method, path)
            assert "next=" in location
    assert db_state() == before


def test_each_role_gets_its_pages_and_a_403_elsewhere(
    app: Any, lead_id: int, login: Callable[[Any, str], str], db_state: Callable[[], Snapshot]
) -> None:
    before = db_state()
    for role in sorted(CONSOLE_ROLES):
        client = app.test_client()
        login(client, role)
        for endpoint, rule in _console_rules(app, "GET"):
            if endpoint in PUBLIC or endpoint == "console_review.show":
                continue  # the review page of one message: see the next test
            expected = 200 if role in ACCESS[endpoint] else 403
            assert client.get(_path(rule, lead_id)).status_code == expected, (role, rule)
        for endpoint, rule in _console_rules(app, "POST"):
            if endpoint in PUBLIC or role in ACCESS[endpoint]:
                continue
            answer = client.post(_path(rule, lead_id), data={"csrf": _session_csrf(client)})
            assert answer.status_code == 403, (role, rule)
    assert _without_logins(db_state()) == _without_logins(before)


def _without_logins(state: Snapshot) -> Snapshot:
    """A login stamps ``contact.last_login_at``; everything else must stay as it was."""
    return {name: rows for name, rows in state.items() if name != "contact"}


def test_the_review_page_of_a_message_needs_a_reviewer(
    client: Any, rt: Runtime, world: World, login: Callable[[Any, str], str]
) -> None:
    from mailflow.actions.inbound.store import store_raw

    raw = b"From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n"
    inbound = store_raw(rt, raw, channel="smtp", mail_from="a@b.example", rcpt_to=["x@y.test"])
    login(client, "rep")
    assert client.get(f"/console/inbound/{inbound}").status_code == 403
    client.post("/console/logout", data={"csrf": _session_csrf(client)})
    login(client, "ops")
    assert client.get(f"/console/inbound/{inbound}").status_code == 200


def _session_csrf(client: Any) -> str:
    with client.session_transaction() as session:
        return str(session.get("csrf", ""))


def test_every_console_form_refuses_a_post_without_the_right_csrf_token(
    app: Any,
    client: Any,
    lead_id: int,
    login: Callable[[Any, str], str],
    db_state: Callable[[], Snapshot],
) -> None:
    login(client, "admin")
    before = db_state()
    for sent in (None, "", "wrong-token-0123456789"):
        data = {} if sent is None else {"csrf": sent}
        headers = {} if sent is None else {"X-CSRF-Token": sent}
        for _endpoint, rule in _console_rules(app, "POST"):
            path = _path(rule, lead_id)
            answer = client.post(path, data=data)
            assert answer.status_code == 400, (path, answer.status_code)
            assert b"The form expired" in answer.data, path
            assert client.post(path, data={}, headers=headers).status_code == 400, path
    assert db_state() == before
    assert client.get("/console/").status_code == 200  # logout was refused as well


def test_a_csrf_token_of_another_session_is_refused(
    app: Any, client: Any, lead_id: int, login: Callable[[Any, str], str]
) -> None:
    other = app.test_client()
    foreign = login(other, "admin")
    login(client, "admin")
    answer = client.post(f"/console/leads/{lead_id}/approve", data={"csrf": foreign})
    assert answer.status_code == 400


def test_the_login_form_needs_its_csrf_token(
    client: Any, console_users: dict[str, str], db_state: Callable[[], Snapshot]
) -> None:
    from tests.reliability.conftest import PASSWORD

    before = db_state()
    answer = client.post("/console/login", data={"email": console_users["admin"],
                                                  "password": PASSWORD})  # fmt: skip
    assert answer.status_code == 400
    assert client.get("/console/").status_code == 302
    assert db_state() == before


def test_guessing_passwords_is_stopped_after_a_few_failures(
    app: Any, rt: Runtime, console_users: dict[str, str]
) -> None:
    from tests.reliability.conftest import PASSWORD

    rt.settings = rt.settings.with_(login_failures_per_minute=3, login_failures_per_ip_per_minute=5)
    client = app.test_client()

    def attempt(role: str, password: str, address: str = "10.0.0.1") -> Any:
        data = {"email": console_users[role], "password": password, "csrf": csrf_of(client)}
        return client.post("/console/login", data=data, environ_base={"REMOTE_ADDR": address})

    assert [attempt("admin", f"guess {i}").status_code for i in range(4)] == [401, 401, 401, 429]
    refused = attempt("admin", PASSWORD)  # the right password too, while the account is locked
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert b"Too many requests" in refused.data
    assert attempt("ops", PASSWORD).status_code == 302  # another account from the same address
    # the address: two more failures on another account use up its five
    assert [attempt("rep", f"guess {i}").status_code for i in range(3)] == [401, 401, 429]
    assert attempt("manager", PASSWORD).status_code == 429
    assert attempt("manager", PASSWORD, address="10.0.0.2").status_code == 302


def _reset_emails(rt: Runtime) -> int:
    from sqlmodel import col, func, select

    from mailflow.models import OutboundEmail

    with rt.db.read() as s:
        kind = col(OutboundEmail.kind) == "password_reset"
        return int(s.exec(select(func.count()).where(kind)).one())


def test_reset_requests_have_their_own_budget_and_never_lock_the_login(
    app: Any, rt: Runtime, console_users: dict[str, str]
) -> None:
    """Each request sends an email: a flood of them for one account is cut off, but an
    anonymous flood must not lock the account's owner out of the login."""
    from tests.reliability.conftest import PASSWORD

    rt.settings = rt.settings.with_(login_failures_per_minute=3, reset_requests_per_hour=3)
    client = app.test_client()

    def ask(role: str) -> int:
        data = {"email": console_users[role], "csrf": csrf_of(client, "/console/reset")}
        return int(client.post("/console/reset", data=data).status_code)

    assert [ask("admin") for _ in range(5)] == [200, 200, 200, 429, 429]
    assert ask("ops") == 200  # another account
    assert _reset_emails(rt) == 4
    data = {"email": console_users["admin"], "password": PASSWORD, "csrf": csrf_of(client)}
    assert client.post("/console/login", data=data).status_code == 302


def test_failed_logins_do_not_spend_the_reset_budget(
    app: Any, rt: Runtime, console_users: dict[str, str]
) -> None:
    """Who forgot the password tries a few, then asks for the link."""
    rt.settings = rt.settings.with_(login_failures_per_minute=3, reset_requests_per_hour=3)
    client = app.test_client()
    for i in range(4):
        data = {"email": console_users["admin"], "password": f"guess {i}", "csrf": csrf_of(client)}
        client.post("/console/login", data=data)
    data = {"email": console_users["admin"], "csrf": csrf_of(client, "/console/reset")}
    assert client.post("/console/reset", data=data).status_code == 200
    assert _reset_emails(rt) == 1


def _guesses(client: Any, email: str, forwarded_for: str, proxy: str = "10.0.0.1") -> list[int]:
    answers = []
    for i in range(3):
        data = {"email": email, "password": f"guess {i}", "csrf": csrf_of(client)}
        headers = {"X-Forwarded-For": forwarded_for}
        answer = client.post("/console/login", data=data, headers=headers,
                             environ_base={"REMOTE_ADDR": proxy})  # fmt: skip
        answers.append(answer.status_code)
    return answers


def test_without_trusted_proxies_a_made_up_forwarded_for_does_not_dodge_the_limit(
    app: Any, rt: Runtime, console_users: dict[str, str]
) -> None:
    rt.settings = rt.settings.with_(
        login_failures_per_minute=50, login_failures_per_ip_per_minute=2
    )
    client = app.test_client()
    assert _guesses(client, console_users["admin"], "1.1.1.1") == [401, 401, 429]
    assert _guesses(client, console_users["ops"], "2.2.2.2")[0] == 429  # the same address


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(
    rt: Runtime, smtp: Any, console_users: dict[str, str]
) -> None:
    """One proxy in front: the address it appended to X-Forwarded-For is the client's; an
    entry the client wrote itself before it is not believed."""
    from mailflow.web import create_app

    rt.settings = rt.settings.with_(
        login_failures_per_minute=50,
        login_failures_per_ip_per_minute=2,
        trusted_proxies=1,
        proxy_addresses=("10.0.0.0/8",),  # where the proxy connects from
    )
    client = create_app(rt).test_client()
    assert _guesses(client, console_users["admin"], "1.1.1.1") == [401, 401, 429]
    assert _guesses(client, console_users["ops"], "2.2.2.2") == [401, 401, 429]
    # the client made up "3.3.3.3"; the proxy appended its real address 1.1.1.1
    assert _guesses(client, console_users["rep"], "3.3.3.3, 1.1.1.1")[0] == 429
    # a client reaching the app around the proxy cannot choose its address: it counts as
    # itself, whatever X-Forwarded-For says
    direct = "203.0.113.9"
    assert _guesses(client, console_users["rep"], "4.4.4.4", proxy=direct) == [401, 401, 429]
    assert _guesses(client, console_users["ops"], "5.5.5.5", proxy=direct)[0] == 429


EVIL_NEXT = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/%5Cevil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https:evil.example",
    "/ /evil.example",
    "/%09/evil.example",
]


def _browser_target(location: str) -> tuple[str, str]:
    """Where a browser goes: it drops tabs and line breaks and reads ``\\`` as ``/``."""
    cleaned = "".join(c for c in location if c not in "\t\r\n").strip().replace("\\", "/")
    target = urlsplit(urljoin("http://mailflow.test/console/login", cleaned))
    return target.scheme, target.netloc


def test_the_login_never_redirects_to_another_site(app: Any, console_users: dict[str, str]) -> None:
    from tests.reliability.conftest import PASSWORD

    for target in EVIL_NEXT:
        client = app.test_client()
        answer = client.post(
            "/console/login",
            query_string={"next": target},
            data={"email": console_users["admin"], "password": PASSWORD, "csrf": csrf_of(client)},
        )
        assert answer.status_code == 302, target
        assert _browser_target(answer.headers["Location"]) == ("http", "mailflow.test"), target


def test_the_login_keeps_a_local_next(client: Any, console_users: dict[str, str]) -> None:
    from tests.reliability.conftest import PASSWORD

    answer = client.post(
        "/console/login?next=/console/points",
        data={"email": console_users["admin"], "password": PASSWORD, "csrf": csrf_of(client)},
    )
    assert urlsplit(answer.headers["Location"]).path == "/console/points"


def test_a_dealers_manager_cannot_decide_on_leads_outside_its_slice(
    app: Any,
    world: World,
    console_users: dict[str, str],
    login: Callable[[Any, str], str],
    db_state: Callable[[], Snapshot],
) -> None:
    """The qualification and override pages act on any lead id: a manager of a dealer
    (not the manufacturer's) must not approve, offer or assign another slice's lead."""
    waiting = world.lead(postal_code=None, city=None, country=None)  # not offered to anyone
    assert waiting.state == "new"
    other = world.partner("Ulm")
    client = app.test_client()
    csrf = login(client, "manager")
    before = db_state()
    assert f"/console/leads/{waiting.id}" not in client.get("/console/qualification").text
    assert client.get(f"/console/leads/{waiting.id}/matching").status_code == 404
    for action, form in (
        ("approve", {}),
        ("offer", {"organization_id": str(other.id)}),
        ("assign", {"organization_id": str(_dealer(world))}),
    ):
        answer = client.post(f"/console/leads/{waiting.id}/{action}", data={"csrf": csrf, **form})
        assert answer.status_code == 404, action
    assert _without_logins(db_state()) == _without_logins(before)
    admin = app.test_client()
    login(admin, "admin")
    assert f"/console/leads/{waiting.id}" in admin.get("/console/qualification").text
