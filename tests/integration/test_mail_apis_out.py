"""Emails out through Microsoft Graph ``sendMail``, the Gmail API's ``messages.send`` and
SMTP with XOAUTH2, against local servers speaking the providers' protocols over real
connections: the MIME (Message-ID, Reply-To, DKIM) goes out as built, throttling and
expired tokens are survived, and refusals are sorted into final and temporary."""

from __future__ import annotations

import base64
import email
import socket
from collections.abc import Iterator
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session
from sqlmodel import select

from mailflow.actions.outbound import outbox
from mailflow.mail import doctor
from mailflow.models import MailConnection, OutboundEmail
from mailflow.runtime import Runtime
from mailflow.settings import Settings
from tests.conftest import make_settings
from tests.factories import World
from tests.providers import CLIENT_SECRET, TENANT, Server, provider_env, service_account

SENDER = "leads@nordwind.test"


@pytest.fixture
def provider() -> Iterator[Server]:
    with Server() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, db_url: str, provider: Server) -> Settings:
    return make_settings(tmp_path, db_url, **provider_env(provider))


def _send_all(rt: Runtime, world: World) -> list[OutboundEmail]:
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city)
    world.offered_lead()
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))
    with rt.db.read() as s:
        rows = list(s.exec(select(OutboundEmail)))
        s.expunge_all()
    return rows


def _connection(rt: Runtime) -> MailConnection:
    with rt.db.read() as s:
        row = s.exec(select(MailConnection)).one()
        s.expunge(row)
    return row


def test_graph_send_mail_sends_our_mime_through_throttling_and_token_expiry(
    rt: Runtime, world: World, provider: Server
) -> None:
    rt.use_smtp(f"graph://{TENANT}/{SENDER}")
    provider.state.throttle = 1
    rows = _send_all(rt, world)
    assert rows and {r.state for r in rows} == {"sent"}
    sent = [email.message_from_bytes(raw) for raw in provider.state.sent]
    assert sorted(m["Message-ID"].strip("<>") for m in sent) == sorted(r.message_id for r in rows)
    assert all(m["Reply-To"].startswith("reply+") for m in sent)
    assert sorted(parseaddr(m["To"])[1] for m in sent) == sorted(r.to_addr for r in rows)
    assert len(provider.state.token_requests) == 1  # one token for all of them
    assert provider.state.token_requests[0]["scope"] == "https://graph.microsoft.com/.default"

    provider.state.expire_tokens()
    world.offered_lead()
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))
    assert len(provider.state.token_requests) == 2
    assert len(provider.state.sent) > len(sent)
    row = _connection(rt)
    assert row.direction == "outbound" and row.kind == "graph" and row.last_success_at


def test_gmail_send_a_refusal_of_the_message_is_final_an_access_problem_is_not(
    rt: Runtime, world: World, provider: Server, tmp_path: Path
) -> None:
    key = service_account(tmp_path)
    provider.trust_service_account(key)
    rt.settings = rt.settings.with_(gmail_service_account=key)
    rt.use_smtp(f"gmail://{SENDER}")
    provider.state.fail_send = 403  # the delegation is missing: ours to fix, retried later
    rows = _send_all(rt, world)
    assert {r.state for r in rows} == {"queued"}
    row = _connection(rt)
    assert row.auth_failed and row.last_error and "403" in row.last_error

    provider.state.fail_send = 400  # the message itself is refused: final
    outbox.dispatch(rt, [r.id for r in rows if r.id is not None])
    with rt.db.read() as s:
        states = set(s.exec(select(OutboundEmail.state)).all())
    assert states == {"failed"}

    provider.state.fail_send = 0
    world.offered_lead()
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))
    sent = [email.message_from_bytes(raw) for raw in provider.state.sent]
    assert sent and all(m["Reply-To"].startswith("reply+") for m in sent)
    assert _connection(rt).last_error is None


class _XOAuth2:
    """An SMTP relay that takes XOAUTH2 logins with the provider's tokens."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.logins: list[str] = []
        self.received: list[bytes] = []
        self.senders: set[str] = set()
        self.refuse = False  # every login refused, as a mailbox without SMTP AUTH enabled

    async def auth_XOAUTH2(self, smtp: SMTP, args: list[str]) -> AuthResult:
        blob = base64.b64decode(args[-1]).decode()  # the initial response
        user, token = (part.split("=", 1)[1] for part in blob.split("\x01")[:2])
        self.logins.append(user)
        ok = bool(self.server.state.tokens.get(token.removeprefix("Bearer "))) and not self.refuse
        return AuthResult(success=ok, handled=False)

    async def handle_DATA(self, smtp: SMTP, session: Session, envelope: Envelope) -> Any:
        self.received.append(bytes(envelope.content or b""))  # type: ignore[arg-type]
        self.senders.add(str(envelope.mail_from))
        return "250 OK"


def test_smtp_with_xoauth2_logs_in_with_a_token_and_renews_it_when_refused(
    rt: Runtime, world: World, provider: Server
) -> None:
    relay = _XOAuth2(provider)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(relay, hostname="127.0.0.1", port=port, auth_require_tls=False)
    controller.start()
    try:
        rt.use_smtp(
            f"smtp://{SENDER}@127.0.0.1:{port}/?auth=xoauth2&provider=microsoft&tenant={TENANT}"
        )
        rows = _send_all(rt, world)
        assert {r.state for r in rows} == {"sent"} and len(relay.received) == len(rows)
        assert relay.logins == [SENDER]
        assert relay.senders == {SENDER}  # the mailbox, as the providers demand: bounces go there
        assert provider.state.token_requests[0]["scope"] == "https://outlook.office365.com/.default"

        provider.state.expire_tokens()
        rt.sender().close()  # the next login: the old token is refused, a new one works
        world.offered_lead()
        outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))
        assert relay.logins == [SENDER, SENDER, SENDER]
        assert len(provider.state.token_requests) == 2
        assert all(CLIENT_SECRET.encode() not in raw for raw in relay.received)
    finally:
        controller.stop()


def test_the_doctor_logs_in_to_an_xoauth2_relay_with_the_token_source_as_sending_does(
    settings: Settings, provider: Server
) -> None:
    relay = _XOAuth2(provider)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(relay, hostname="127.0.0.1", port=port, auth_require_tls=False)
    controller.start()
    try:
        url = f"smtp://{SENDER}@127.0.0.1:{port}/?auth=xoauth2&provider=microsoft&tenant={TENANT}"
        good = doctor.check_relay(settings.with_(smtp_url=url))
        assert relay.logins == [SENDER] and provider.state.token_requests
        assert good.level == "warn" and "not encrypted" in good.detail  # the local relay
        relay.refuse = True
        refused = doctor.check_relay(settings.with_(smtp_url=url))
        assert refused.level == "fail" and "check the token source" in refused.detail
        assert CLIENT_SECRET not in refused.detail
    finally:
        controller.stop()
