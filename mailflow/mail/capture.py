"""A local SMTP sink that keeps what it receives: the demo's mail viewer and the tests'
``smtp`` fixture. It is a real aiosmtpd server on loopback, so mail really goes over SMTP.

With a ``store`` file (the demo keeps ``mail-capture.jsonl`` in its data directory) every
message is also appended there, one JSON line each, and read back on the next start: the
capture survives a restart like the database beside it. A torn last line (the process
killed while writing) is skipped."""

from __future__ import annotations

import base64
import itertools
import json
import logging
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
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

    @property
    def sender(self) -> str:
        """The From header (who the recipient sees it from), else the envelope sender."""
        return str(self.message.get("From", "")) or self.mail_from

    @property
    def reply_to(self) -> str:
        return str(self.message.get("Reply-To", ""))

    def as_line(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "to": self.to,
                "mail_from": self.mail_from,
                "received_at": self.received_at.isoformat(),
                "raw": base64.b64encode(self.raw).decode("ascii"),
            }
        )

    @classmethod
    def from_line(cls, line: str) -> CapturedMail:
        data = json.loads(line)
        return cls(
            int(data["id"]),
            [str(to) for to in data["to"]],
            str(data["mail_from"]),
            base64.b64decode(data["raw"]),
            datetime.fromisoformat(data["received_at"]),
        )

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        return body.get_content() if body is not None else ""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "to": self.to[0] if len(self.to) == 1 else self.to,
            "from": self.mail_from,
            "header_from": self.sender,
            "subject": self.subject,
            "html": self.part("html"),
            "text": self.part("plain"),
            "received_at": self.received_at.isoformat(),
            "message_id": str(self.message.get("Message-ID", "")),
            "reply_to": self.reply_to,
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

    def __init__(self, host: str = "127.0.0.1", port: int = 0, store: Path | None = None) -> None:
        self._store = store
        self._items: list[CapturedMail] = _load(store) if store is not None else []
        # after a torn last line the next one starts on a line of its own
        self._newline_first = store is not None and _torn(store)
        self._lock = threading.Lock()
        self._ids = itertools.count(max((m.id for m in self._items), default=0) + 1)
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
            mail = CapturedMail(next(self._ids), to, mail_from, raw, datetime.now(UTC))
            if self._store is not None:
                with self._store.open("a", encoding="utf-8") as out:
                    out.write(("\n" if self._newline_first else "") + mail.as_line() + "\n")
                self._newline_first = False
            self._items.append(mail)

    def messages(self) -> list[CapturedMail]:
        with self._lock:
            return list(self._items)

    def get(self, mail_id: int) -> CapturedMail | None:
        return next((m for m in self.messages() if m.id == mail_id), None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            if self._store is not None:
                self._store.write_text("", encoding="utf-8")


def _load(store: Path) -> list[CapturedMail]:
    """The messages kept in ``store`` (none when it does not exist yet)."""
    if not store.exists():
        return []
    items = []
    with store.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                items.append(CapturedMail.from_line(line))
            except (ValueError, KeyError, TypeError):
                continue  # a line torn by a kill: the others are whole
    return items


def _torn(store: Path) -> bool:
    """True when ``store`` ends inside a line (its writer was killed mid-line)."""
    if not store.exists() or store.stat().st_size == 0:
        return False
    with store.open("rb") as data:
        data.seek(-1, 2)
        return data.read(1) != b"\n"


def _free_port(host: str) -> int:

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
