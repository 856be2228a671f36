"""One client flooding the inbound SMTP server: the addresses that take mail without a reply
key (postmaster@, abuse@, bounces@), and every per-client limit of the server; and the MTA
pipe's size limit for the key-less addresses.

Each test starts the real server on a free port with a small limit and talks to it with
smtplib, as an attacker (or a misbehaving mail server) would."""

from __future__ import annotations

import os
import smtplib
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mailflow.inbound.receive.server import make_server
from mailflow.models import InboundEmail
from mailflow.runtime import Runtime
from tests.conftest import TEST_KEYS
from tests.inbound.conftest import Offered
from tests.inbound.conftest import offered as offered_lead
from tests.mail import reply

POSTMASTER = "postmaster@reply.mailflow.test"
offered = offered_lead  # the inbound tests' fixture: a lead offered to partners, by email
Server = Callable[..., Any]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def serve(rt: Runtime) -> Iterator[Server]:
    """``serve(**limits)`` starts the real server with these settings and gives its port."""
    started: list[Any] = []

    def start(**limits: Any) -> int:
        rt.settings = rt.settings.with_(**limits)
        port = _free_port()
        controller = make_server(rt, "127.0.0.1", port)
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


def _stored(rt: Runtime) -> list[InboundEmail]:
    with rt.db.read() as s:
        return list(s.exec(select(InboundEmail)))


@contextmanager
def _session(port: int) -> Iterator[smtplib.SMTP]:
    smtp = smtplib.SMTP("127.0.0.1", port, timeout=10)
    try:
        smtp.ehlo()
        yield smtp
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPServerDisconnected, OSError):
            smtp.close()


def _message(size: int, to: str = POSTMASTER) -> bytes:
    body = ("x" * 70 + "\r\n") * (size // 72 + 1)
    return reply(body, to=to, sender="flood@attacker.example")


def test_a_keyless_address_refuses_a_declared_large_message_at_rcpt(
    offered: Offered, serve: Server
) -> None:
    port = serve(inbound_keyless_max_bytes=4096)
    with _session(port) as smtp:
        smtp.mail("flood@attacker.example", ["SIZE=100000"])
        code, message = smtp.rcpt(POSTMASTER)
        assert code == 552 and message.startswith(b"5.3.4") and b"4096 bytes" in message
        code, _ = smtp.rcpt(offered.reply_to(0))  # a reply address takes the large message
        assert code == 250
    assert _stored(offered.rt) == []


def test_a_keyless_address_refuses_an_undeclared_large_message_after_data(
    offered: Offered, serve: Server
) -> None:
    port = serve(inbound_keyless_max_bytes=4096)
    for address in ("abuse@reply.mailflow.test", "bounces@reply.mailflow.test", POSTMASTER):
        with _session(port) as smtp:
            smtp.mail("flood@attacker.example")  # no SIZE=
            assert smtp.rcpt(address)[0] == 250
            code, _ = smtp.data(_message(20_000, to=address))
            assert code == 552
    assert _stored(offered.rt) == []
    with _session(port) as smtp:  # a small notice still goes through
        assert smtp.sendmail("mailer@x.example", [POSTMASTER], _message(1000)) == {}
    with _session(port) as smtp:  # and a partner's long reply is no key-less message
        large = _message(20_000, to=offered.reply_to(0))
        assert smtp.sendmail(offered.contacts[0].email, [offered.reply_to(0)], large) == {}
    assert len(_stored(offered.rt)) == 2


def test_a_client_gets_a_clear_450_after_its_keyless_messages_a_minute(
    offered: Offered, serve: Server
) -> None:
    port = serve(inbound_keyless_per_minute=3)
    with _session(port) as smtp:
        for _ in range(3):
            assert smtp.sendmail("flood@attacker.example", [POSTMASTER], _message(500)) == {}
        smtp.mail("flood@attacker.example")
        code, message = smtp.rcpt(POSTMASTER)
        assert code == 450 and message.startswith(b"4.7.1") and b"Too many messages" in message
        assert smtp.rcpt(offered.reply_to(0))[0] == 250  # replies are not key-less mail
    assert len(_stored(offered.rt)) == 3


def test_a_client_with_too_many_open_connections_gets_421(rt: Runtime, serve: Server) -> None:
    port = serve(inbound_connections_per_client=2)
    first = smtplib.SMTP("127.0.0.1", port, timeout=10)
    second = smtplib.SMTP("127.0.0.1", port, timeout=10)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as third:
            greeting = third.recv(1024)
            assert greeting.startswith(b"421 4.7.0") and b"Too many connections" in greeting
            assert third.recv(1024) == b""  # and closed
        second.quit()
        with _session(port) as smtp:  # a connection closed frees its place
            assert smtp.noop()[0] == 250
    finally:
        first.close()
        second.close()


def test_a_client_gets_450_after_its_messages_a_minute(offered: Offered, serve: Server) -> None:
    port = serve(inbound_messages_per_minute=3)
    to = offered.reply_to(0)
    with _session(port) as smtp:
        for _ in range(3):
            assert smtp.sendmail(offered.contacts[0].email, [to], _message(500, to=to)) == {}
        code, message = smtp.mail(offered.contacts[0].email)
        assert code == 450 and message.startswith(b"4.7.1") and b"Too many messages" in message
    assert len(_stored(offered.rt)) == 3


def test_a_client_gets_450_after_its_bytes_a_minute(offered: Offered, serve: Server) -> None:
    port = serve(inbound_bytes_per_minute=100_000)
    to = offered.reply_to(0)
    with _session(port) as smtp:
        smtp.sendmail(offered.contacts[0].email, [to], _message(60_000, to=to))
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:  # SIZE= beyond what is left
            smtp.sendmail(offered.contacts[0].email, [to], _message(60_000, to=to))
        assert refused.value.smtp_code == 450 and b"Too much data" in refused.value.smtp_error
        smtp.rset()
        smtp.sendmail(offered.contacts[0].email, [to], _message(30_000, to=to))  # fits
        with pytest.raises(smtplib.SMTPSenderRefused):  # what is left is less than that
            smtp.sendmail(offered.contacts[0].email, [to], _message(30_000, to=to))
    assert len(_stored(offered.rt)) == 2


def test_a_message_with_too_many_recipients_gets_452(offered: Offered, serve: Server) -> None:
    port = serve(inbound_recipients_per_message=3)
    with _session(port) as smtp:
        smtp.mail("a@b.example")
        for _ in range(3):
            assert smtp.rcpt(offered.reply_to(0))[0] == 250
        code, message = smtp.rcpt(offered.reply_to(1))
        assert code == 452 and message.startswith(b"4.5.3")


def test_a_session_sending_a_command_too_often_gets_421_and_is_closed(
    rt: Runtime, serve: Server
) -> None:
    port = serve(inbound_commands_per_session=10)
    smtp = smtplib.SMTP("127.0.0.1", port, timeout=10)
    try:
        for _ in range(10):
            assert smtp.noop()[0] == 250
        code, message = smtp.noop()
        assert code == 421 and message.startswith(b"4.7.0")
        with pytest.raises(smtplib.SMTPServerDisconnected):
            smtp.noop()
    finally:
        smtp.close()


def test_data_gets_452_when_the_disk_is_nearly_full(offered: Offered, serve: Server) -> None:
    port = serve(inbound_min_free_bytes=2**62)  # more than any disk has free
    with _session(port) as smtp:
        smtp.mail(offered.contacts[0].email)
        assert smtp.rcpt(offered.reply_to(0))[0] == 250
        smtp.putcmd("data")
        code, message = smtp.getreply()  # before 354: the client sends nothing
        assert code == 452 and message.startswith(b"4.3.1")
    assert _stored(offered.rt) == []


def test_the_mta_pipe_refuses_a_large_message_to_a_keyless_address(
    offered: Offered, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env.update(
        {
            "MAILFLOW_DATA_DIR": str(tmp_path),
            "MAILFLOW_SECRET_KEYS": TEST_KEYS,
            "MAILFLOW_DATABASE_URL": offered.rt.settings.database_url,
            "MAILFLOW_INBOUND_DOMAIN": offered.rt.settings.inbound_domain,
            "MAILFLOW_SMTP_URL": offered.rt.smtp_url,
            "MAILFLOW_INBOUND_KEYLESS_MAX_BYTES": "4096",
        }
    )

    def pipe(recipient: str, raw: bytes) -> int:
        done = subprocess.run(
            [sys.executable, "-m", "mailflow.cli", "inbound", "deliver", "-"],
            input=raw,
            env={**env, "RECIPIENT": recipient},
            capture_output=True,
            timeout=120,
        )
        return done.returncode

    assert pipe(POSTMASTER, _message(20_000)) == 69  # EX_UNAVAILABLE: the MTA bounces it
    assert _stored(offered.rt) == []
    assert pipe(POSTMASTER, _message(1000)) == 0
    assert pipe(offered.reply_to(0), _message(20_000, to=offered.reply_to(0))) == 0
    assert len(_stored(offered.rt)) == 2
