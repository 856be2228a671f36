"""Console password reset by email: a signed, expiring, single-use link."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import select

from mailflow.clock import Clock
from mailflow.jobs.broker import JobQueue
from mailflow.mail.capture import MailCapture
from mailflow.models import Event
from mailflow.runtime import Runtime
from tests.hierarchy import PASSWORD, build

NEW = "a brand new secret 42"


def _csrf(client: Any, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


def _ask(client: Any, email: str) -> Any:
    return client.post(
        "/console/reset", data={"email": email, "csrf": _csrf(client, "/console/reset")}
    )


def _reset_path(smtp: MailCapture) -> str:
    mail = next(m for m in smtp.messages() if m.message["X-Mailflow-Kind"] == "password_reset")
    url = re.search(r"(http://\S+/console/reset/[\w.\-]+)", mail.part("plain"))
    assert url
    return urlsplit(url.group(1)).path


def _choose(client: Any, path: str, password: str = NEW) -> Any:
    return client.post(
        path,
        data={"password": password, "password2": password, "csrf": _csrf(client, path)},
    )


def _login(client: Any, email: str, password: str) -> int:
    data = {"email": email, "password": password, "csrf": _csrf(client, "/console/login")}
    return int(client.post("/console/login", data=data).status_code)


def test_a_console_user_resets_the_password_once_with_the_emailed_link(
    rt: Runtime, queue: JobQueue, smtp: MailCapture, client: Any
) -> None:
    h = build(rt)
    answer = _ask(client, h.email("a1"))
    assert "If this address has a console login" in answer.get_data(as_text=True)
    queue.drain()
    path = _reset_path(smtp)
    assert client.get(path).status_code == 200
    assert _choose(client, path).status_code == 200
    assert _login(client, h.email("a1"), PASSWORD) == 401
    assert _login(client, h.email("a1"), NEW) == 302
    assert client.get(path).status_code == 410  # single use
    again = {"password": "x" * 12, "password2": "x" * 12, "csrf": _csrf(client, "/console/reset")}
    assert client.post(path, data=again).status_code == 410
    with rt.db.read() as s:
        kinds = [e.kind for e in s.exec(select(Event).where(Event.kind.startswith("password.")))]  # type: ignore[attr-defined]
    assert kinds == ["password.reset_requested", "password.reset"]


def test_the_form_does_not_reveal_who_has_a_login_and_partners_get_no_mail(
    rt: Runtime, queue: JobQueue, smtp: MailCapture, client: Any
) -> None:
    h = build(rt)
    unknown = _ask(client, "nobody@nowhere.example").get_data(as_text=True)
    partner = _ask(client, h.email("bsales")).get_data(as_text=True)
    assert "If this address has a console login" in unknown and unknown == partner
    queue.drain()
    assert smtp.messages() == []


def test_a_reset_link_expires_after_an_hour_and_a_forged_one_is_refused(
    rt: Runtime, clock: Clock, queue: JobQueue, smtp: MailCapture, client: Any
) -> None:
    h = build(rt)
    _ask(client, h.email("pm1"))
    queue.drain()
    path = _reset_path(smtp)
    assert client.get(path[:-4] + "abcd").status_code == 410
    clock.advance(seconds=3700)
    assert client.get(path).status_code == 410
    clock.thaw()
    assert client.get(path).status_code == 200
