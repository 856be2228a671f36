"""Which Message-IDs are our own outbound emails': a message that names one in
In-Reply-To or References answers us."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from mailflow.models import OutboundEmail

_CHUNK = 1000  # ids per query: a bound list stays well below the drivers' parameter limits
_OURS = select(OutboundEmail.message_id).where(
    col(OutboundEmail.message_id).in_(bindparam("b_ids", expanding=True))
)


def our_message_ids(session: Session, message_ids: Iterable[str]) -> set[str]:
    """The ids (without angle brackets) among ``message_ids`` that our emails carried."""
    wanted = sorted(set(message_ids))
    found: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found.update(session.connection().execute(_OURS, {"b_ids": chunk}).scalars())
    return found
