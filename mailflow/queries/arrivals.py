"""Whether a message came in: the stored inbound message with a given Message-ID, by
whichever way in (``mailflow doctor --send-test`` waits for its test message so)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from mailflow.models import InboundEmail


def arrival(session: Session, message_id: str) -> tuple[datetime, str] | None:
    """When and through which channel the message ``message_id`` (without angle
    brackets) was stored; None while it was not."""
    found = session.exec(
        select(InboundEmail.received_at, InboundEmail.channel).where(
            InboundEmail.message_id == f"<{message_id}>"
        )
    ).first()
    return (found[0], found[1]) if found else None
