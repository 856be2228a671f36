"""Building inbound test messages the way mail clients send them."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid


def reply(
    body: str,
    *,
    to: str,
    sender: str,
    subject: str = "Re: New warm lead",
    headers: dict[str, str] | None = None,
    html: str | None = None,
    message_id: str | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="dealer.example")
    for name, value in (headers or {}).items():
        msg[name] = value
    if body:
        msg.set_content(body)
    if html is not None:
        if body:
            msg.add_alternative(html, subtype="html")
        else:
            msg.set_content(html, subtype="html")
    return msg.as_bytes()
