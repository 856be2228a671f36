"""The SMTP sender against a real aiosmtpd relay: a 5xx is a permanent failure, a 4xx or
an unreachable relay a temporary one, and one connection carries email after email."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from mailflow.mail.capture import _free_port
from mailflow.mail.send import DeliveryError, SmtpSender

MESSAGE = b"From: a@n.example\r\nTo: b@d.example\r\nSubject: s\r\n\r\nbody\r\n"


class _Relay:
    """Refuses ``gone@`` recipients for good (550) and ``full@`` ones for now (452);
    answers the first MAIL with 421 (closing) when ``close_first`` is set."""

    def __init__(self, close_first: bool = False) -> None:
        self.close_first = close_first
        self.sessions: list[object] = []  # one per connection that sent a MAIL
        self.accepted: list[str] = []

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if all(s is not session for s in self.sessions):
            self.sessions.append(session)
        if self.close_first:
            self.close_first = False
            return "421 4.3.2 closing, try again"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address.startswith("gone@"):
            return "550 5.1.1 no such user"
        if address.startswith("full@"):
            return "452 4.2.2 mailbox full"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.accepted += envelope.rcpt_tos
        return "250 OK"


def _serve(relay: _Relay) -> Iterator[SmtpSender]:
    port = _free_port("127.0.0.1")
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    sender = SmtpSender(f"smtp://127.0.0.1:{port}", timeout=5)
    try:
        yield sender
    finally:
        sender.close()
        controller.stop()


@pytest.fixture
def relay() -> _Relay:
    return _Relay()


@pytest.fixture
def sender(relay: _Relay) -> Iterator[SmtpSender]:
    yield from _serve(relay)


def test_a_5xx_refusal_is_permanent_and_the_connection_carries_on(
    relay: _Relay, sender: SmtpSender
) -> None:
    sender.send("bounce@n.example", "ok1@d.example", MESSAGE)
    with pytest.raises(DeliveryError) as refused:
        sender.send("bounce@n.example", "gone@d.example", MESSAGE)
    assert refused.value.permanent and "550" in str(refused.value)
    sender.send("bounce@n.example", "ok2@d.example", MESSAGE)
    assert relay.accepted == ["ok1@d.example", "ok2@d.example"]
    assert len(relay.sessions) == 1  # one connection for all three


def test_a_4xx_refusal_is_temporary(relay: _Relay, sender: SmtpSender) -> None:
    with pytest.raises(DeliveryError) as refused:
        sender.send("bounce@n.example", "full@d.example", MESSAGE)
    assert not refused.value.permanent and "452" in str(refused.value)
    sender.send("bounce@n.example", "ok@d.example", MESSAGE)
    assert relay.accepted == ["ok@d.example"]


def test_a_relay_closing_the_connection_is_reconnected_to_once() -> None:
    relay = _Relay(close_first=True)
    for sender in _serve(relay):
        sender.send("bounce@n.example", "ok@d.example", MESSAGE)
    assert relay.accepted == ["ok@d.example"]
    assert len(relay.sessions) == 2


def test_an_unreachable_relay_is_a_temporary_failure() -> None:
    sender = SmtpSender(f"smtp://127.0.0.1:{_free_port('127.0.0.1')}", timeout=5)
    with pytest.raises(DeliveryError) as failed:
        sender.send("bounce@n.example", "ok@d.example", MESSAGE)
    assert not failed.value.permanent and "unreachable" in str(failed.value)
