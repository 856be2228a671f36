"""Store a received message durably before anyone answers "accepted".

Every way in (the SMTP server, the MTA pipe, the provider webhook) stores here first and
answers 250 / 202 / exit 0 only once the commit returned; a store that fails answers
451 / 503 / EX_TEMPFAIL, so the sender keeps the message and tries again."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

from sqlalchemy import insert
from sqlmodel import col

from mailflow.models import InboundEmail

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(<[^>\r\n]{1,400}>)", re.IGNORECASE | re.MULTILINE)
_STORE = insert(InboundEmail).returning(col(InboundEmail.id))


class StoreError(Exception):
    """The message could not be stored; the sender must retry later (451 / EX_TEMPFAIL)."""


def header_message_id(raw: bytes) -> str | None:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = _MESSAGE_ID.search(head)
    return found.group(1).decode("ascii", "replace") if found else None


def store_raw(
    rt: Runtime, raw: bytes, *, channel: str, mail_from: str | None, rcpt_to: list[str]
) -> int:
    """Commit the raw bytes, synced to disk; returns the message's id. Any failure is a
    :class:`StoreError`."""
    values = {
        "received_at": rt.clock.now(),
        "channel": channel,
        # text columns: PostgreSQL refuses a NUL, and an SMTP argument may carry one
        "mail_from": (mail_from or "").replace("\x00", "")[:500],
        "rcpt_to": [r.replace("\x00", "")[:254] for r in rcpt_to][:50],
        "message_id": header_message_id(raw),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "size": len(raw),
        "raw": raw,
        "state": "received",
        "attempts": 0,
        "outcome": {},
    }
    try:
        with rt.db.durable_transaction() as s:
            found = s.connection().execute(_STORE, values).scalar_one()
    except Exception as exc:  # any database trouble means: not stored, tell the sender to retry
        raise StoreError(f"{type(exc).__name__}") from exc
    assert found is not None
    return int(found)
