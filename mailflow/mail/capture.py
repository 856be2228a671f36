"""A local SMTP sink that keeps what it receives: the demo's mail viewer and the tests'
``smtp`` fixture. It is a real aiosmtpd server on loopback, so mail really goes over SMTP."""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class CapturedMail:
    id: int
    to: list[str]
    mail_from: str
    raw: bytes
    received_at: datetime

    @property
    def message(self) -> EmailMessage:
        msg = BytesParser(policy=policy.default).parsebytes(self.raw)
        assert isinstance(msg, EmailMessage)
        return msg

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        return body.get_content() if body is not None else ""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "to": self.to[0] if len(self.to) == 1 else self.to,
            "from": self.mail_from,
            "subject": self.subject,
            "html": self.part("html"),
            "text": self.part("plain"),
            "received_at": self.received_at.isoformat(),
            "message_id": str(self.message.get("Message-ID", "")),
            "reply_to": str(self.message.get("Reply-To", "")),
        }


class _Handler:
    def __init__(self, box: MailCapture) -> None:
        self.box = box

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        if isinstance(data, str):
            data = data.encode()
        self.box.add(list(envelope.rcpt_tos), str(envelope.mail_from), data)
        return "250 Message accepted"


# aiosmtpd logs every connection at INFO; keep that out of our logs.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class MailCapture:
    """Start with ``start()``; ``messages()`` is thread-safe; ``url`` is what senders use."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._items: list[CapturedMail] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._running = False
        self._controller = Controller(_Handler(self), hostname=host, port=port or _free_port(host))

    @property
    def url(self) -> str:
        return f"smtp://{self._controller.hostname}:{self._controller.port}"

    @property
    def port(self) -> int:
        return int(self._controller.port)

    def start(self) -> MailCapture:
        self._controller.start()
        self._running = True
        return self

    def stop(self) -> None:
        if self._running:
            self._controller.stop()
            self._running = False

    def add(self, to: list[str], mail_from: str, raw: bytes) -> None:
        with self._lock:
            self._items.append(CapturedMail(next(self._ids), to, mail_from, raw, datetime.now(UTC)))

    def messages(self) -> list[CapturedMail]:
        with self._lock:
            return list(self._items)

    def get(self, mail_id: int) -> CapturedMail | None:
        return next((m for m in self.messages() if m.id == mail_id), None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
