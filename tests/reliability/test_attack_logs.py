"""Tokens never reach a log: not the application's (a whole pick, decline, feedback and
inbound reply flow, and a request that fails), not the request log of the development
server, not gunicorn's access and error logs."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import requests
from itsdangerous import URLSafeSerializer
from werkzeug.serving import make_server

from mailflow.inbound.receive.server import make_server as make_inbound
from mailflow.jobs.broker import JobQueue
from mailflow.links.claims import (
    EmailChangeClaim,
    EscalationClaim,
    LinkClaim,
    ResetClaim,
    UnsubscribeClaim,
)
from mailflow.links.signer import PURPOSES
from mailflow.mail.capture import MailCapture
from mailflow.runtime import Runtime
from mailflow.web import create_app
from mailflow.web.logredact import TOKEN_PREFIXES, RedactingFilter
from tests.factories import World
from tests.mail import reply
from tests.reliability.conftest import all_sent

_LINK = re.compile(
    "(?:" + "|".join(re.escape(p) for p in TOKEN_PREFIXES) + r")([A-Za-z0-9_\-.]{20,})"
)
_REPLY_KEY = re.compile(r"reply\+([a-z0-9.]+)@")


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """Logging does not depend on the database: SQLite only keeps these fast."""
    return sqlite_url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _secrets_in(mails: list[Any]) -> set[str]:
    found: set[str] = set()
    for mail in mails:
        text = mail.part("html") + mail.part("plain") + str(mail.message)
        found |= set(_LINK.findall(text)) | set(_REPLY_KEY.findall(text))
    return found


def _links(mail: Any, action: str) -> str:
    found = re.search(rf'href="([^"]+)"[^>]*data-action="{action}"', mail.part("html"))
    assert found, f"no {action} link"
    return found.group(1)


def test_a_whole_lead_flow_logs_no_token(
    caplog: pytest.LogCaptureFixture,
    rt: Runtime,
    world: World,
    queue: JobQueue,
    smtp: MailCapture,
    console_users: dict[str, str],
) -> None:
    caplog.set_level(logging.DEBUG)
    app = create_app(rt, devmail=smtp)

    @app.post("/a/<token>/fail")
    def _fail(token: str) -> str:  # a request that fails: Flask logs its path
        raise RuntimeError("a bug")

    client = app.test_client()
    world.partner("Ulm")
    world.partner("Karlsruhe")
    world.lead()
    all_sent(rt, queue)
    offers = [m for m in smtp.messages() if m.message["X-Mailflow-Kind"] == "offer"]
    base = rt.settings.base_url
    pick = _links(offers[0], "pick")
    decline = next(  # a link of another partner's offer
        link
        for link in (_links(m, "decline") for m in offers)
        if _offer_of(rt, link) != _offer_of(rt, pick)
    )
    for link in (pick, decline):
        assert client.get(link.removeprefix(base)).status_code == 200
    assert (
        client.post(decline.removeprefix(base), data={"reason": "too far away"}).status_code == 200
    )
    assert client.post(pick.removeprefix(base)).status_code == 200
    all_sent(rt, queue)
    details = next(m for m in smtp.messages() if m.message["X-Mailflow-Kind"] == "details")
    feedback = _links(details, "feedback").removeprefix(base)
    assert client.post(feedback, data={"stage": "contacted"}).status_code == 200
    assert client.post(pick.removeprefix(base) + "x").status_code == 404  # tampered
    assert client.post(pick.removeprefix(base) + "/fail").status_code == 500
    _reply_by_smtp(rt, details, "won 12.500 EUR")
    all_sent(rt, queue)
    assert _lead_state(rt) == "won"  # the reply went through the whole inbound pipeline
    client.get("/console/reset")
    with client.session_transaction() as session:
        csrf = session["csrf"]
    client.post("/console/reset", data={"csrf": csrf, "email": console_users["admin"]})
    _ask_for_an_email_change(client, console_users["admin"])
    all_sent(rt, queue)
    secrets = _secrets_in(smtp.messages())
    secrets.add(_legacy_optout(rt.settings.secret_keys, 1))
    assert len(secrets) >= 9
    change = next(m for m in smtp.messages() if m.message["X-Mailflow-Kind"] == "email_change")
    confirm = _link_in_text(change, "/console/email/")
    assert client.get(confirm).status_code == 200
    logged = [_record_text(r) for r in caplog.records]
    assert any("Exception on /a/<token>/fail" in text for text in logged)
    leaks = [(s, text) for text in logged for s in secrets if s in text]
    assert leaks == []


def _ask_for_an_email_change(client: Any, email: str) -> None:
    from tests.reliability.conftest import PASSWORD, csrf_of

    login = {"email": email, "password": PASSWORD, "csrf": csrf_of(client)}
    assert client.post("/console/login", data=login).status_code == 302
    form = {"email": "admin.new@elsewhere.example", "password": PASSWORD}
    form["csrf"] = csrf_of(client, "/console/email")
    assert client.post("/console/email", data=form).status_code == 200


def _link_in_text(mail: Any, prefix: str) -> str:
    found = re.search(re.escape(prefix) + r"[\w.\-]+", mail.part("plain"))
    assert found, f"no {prefix} link"
    return found.group(0)


def _lead_state(rt: Runtime) -> str:
    from sqlmodel import select

    from mailflow.models import Lead

    with rt.db.read() as s:
        return s.exec(select(Lead.state)).one()


def _offer_of(rt: Runtime, link: str) -> int:
    return rt.signer.read(LinkClaim, link.rsplit("/", 1)[1]).offer_id


def _record_text(record: logging.LogRecord) -> str:
    text = record.getMessage()
    if record.exc_info:
        text += logging.Formatter().formatException(record.exc_info)
    return text + (record.exc_text or "") + (record.stack_info or "")


def _reply_by_smtp(rt: Runtime, details: Any, body: str) -> None:
    """The owner answers the details email through the real inbound SMTP server."""
    port = _free_port()
    server = make_inbound(rt, "127.0.0.1", port)
    server.start()
    try:
        to = str(details.message["Reply-To"])
        raw = reply(body, to=to, sender=details.to[0], subject="Re: " + details.subject)
        with smtplib.SMTP("127.0.0.1", port) as conn:
            conn.sendmail(details.to[0], [to], raw)
    finally:
        server.stop()


def _token_paths(rt: Runtime) -> list[str]:
    keys = rt.settings.secret_keys
    path = rt.signer.path
    paths = [path(LinkClaim(1, 1, a)) for a in ("pick", "decline", "feedback", "qualify")]
    portal = path(LinkClaim(1, 1, "portal"))
    paths += [portal, f"{portal}/manifest.webmanifest"]
    paths.append(f"{path(EscalationClaim(1, 1))}?choice=widen")
    paths.append(f"/u/{_legacy_optout(keys, 1)}")
    paths.append(path(UnsubscribeClaim(1)))
    paths.append(path(ResetClaim(1, None)))
    paths.append(path(EmailChangeClaim(1, "new@elsewhere.example", "0")))
    return paths


def _token_of(path: str) -> str:
    found = _LINK.search(path)
    assert found
    return found.group(1)


def test_the_development_servers_request_log_shows_no_token(
    caplog: pytest.LogCaptureFixture, rt: Runtime, smtp: MailCapture
) -> None:
    caplog.set_level(logging.INFO, logger="werkzeug")
    werkzeug_log = logging.getLogger("werkzeug")
    redacting = RedactingFilter()
    werkzeug_log.addFilter(redacting)  # as `mailflow demo` does
    server = make_server("127.0.0.1", 0, create_app(rt, devmail=smtp), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        paths = _token_paths(rt)
        for path in paths:
            url = f"http://127.0.0.1:{server.server_port}{path}"
            requests.get(url, timeout=10)
            requests.post(url, timeout=10)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        werkzeug_log.removeFilter(redacting)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "werkzeug")
    assert logged.count("<token>") >= 2 * len(paths)
    assert [p for p in paths if _token_of(p) in logged] == []


@pytest.fixture(params=["text", "json"])
def gunicorn(
    rt: Runtime, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[str, Path, str]]:
    """The production web server as the Procfile runs it, logging to files (as text, and
    as one JSON object per line)."""
    port = _free_port()
    settings = rt.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")} | {
        "MAILFLOW_DATA_DIR": str(tmp_path),
        "MAILFLOW_DATABASE_URL": settings.database_url,
        "MAILFLOW_SECRET_KEYS": ",".join(settings.secret_keys),
        "MAILFLOW_BASE_URL": f"http://127.0.0.1:{port}",
        "MAILFLOW_LOG_LEVEL": "DEBUG",
        "MAILFLOW_LOG_FORMAT": request.param,
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    command = [
        sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "2",
        "--bind", f"127.0.0.1:{port}", "--access-logfile", str(logs / "access.log"),
        "--error-logfile", str(logs / "error.log"), "--log-level", "debug",
        "--logger-class", "mailflow.web.logredact.GunicornLogger", "mailflow.wsgi:app",
    ]  # fmt: skip
    err = (logs / "stderr.log").open("wb")
    proc = subprocess.Popen(command, env=env, stdout=err, stderr=err)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                assert proc.poll() is None, (logs / "stderr.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield url, logs, request.param
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        err.close()


def test_gunicorns_access_and_error_logs_show_no_token(
    rt: Runtime, gunicorn: tuple[str, Path, str]
) -> None:
    url, logs, log_format = gunicorn
    paths = _token_paths(rt)
    for path in paths:
        for method in ("GET", "HEAD", "POST"):
            requests.request(method, url + path + "?from=scanner", timeout=10)
    time.sleep(0.5)  # the access log is written after the response
    access = (logs / "access.log").read_text()
    everything = access + (logs / "error.log").read_text() + (logs / "stderr.log").read_text()
    assert access.count("<token>") >= 3 * len(paths)
    assert [p for p in paths if _token_of(p) in everything] == []
    if log_format == "json":  # one object a line, each with the request's id
        lines = [json.loads(line) for line in access.splitlines() if line.strip()]
        assert all(len(entry.get("request_id", "")) == 32 for entry in lines)


def _legacy_optout(keys: Sequence[str], contact_id: int) -> str:
    """The token of an older ``/u/`` opt-out link, as reports already delivered carry it."""
    return str(
        URLSafeSerializer(list(keys), salt=PURPOSES["unsubscribe"].salt).dumps({"u": contact_id})
    )
