"""Signed links that confirm a longer away period: ``{"o": partner, "c": manager, "u": day}``.

An out-of-office reply sets a partner away for ``MAILFLOW_AWAY_MAX_DAYS`` at most; when it
names a later date, the partner managers get this link to set that date (GET shows it,
the button POSTs). A salt of its own, so it can never be replayed as another link; the
same keys, rotation and max age as the action links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from mailflow import signed
from mailflow.tokens import TokenInvalid

SALT = "mailflow.away-confirm-link.v1"
PREFIX = "/away/"


@dataclass(frozen=True)
class AwayClaim:
    organization_id: int
    contact_id: int  # the partner manager the link was sent to
    until: datetime  # the date the out-of-office named (midnight UTC)


def link(rt: Any, organization_id: int, contact_id: int, until: datetime) -> str:
    payload = {"o": organization_id, "c": contact_id, "u": until.date().isoformat()}
    return f"{rt.settings.base_url}{PREFIX}{signed.dumps(rt.settings.secret_keys, SALT, payload)}"


def read(rt: Any, token: str) -> AwayClaim:
    max_age = rt.settings.token_max_age_days * 86400
    data = signed.loads(rt.settings.secret_keys, SALT, token, max_age)
    if not {"o", "c", "u"} <= data.keys():
        raise TokenInvalid("malformed away token")
    try:
        day = date.fromisoformat(str(data["u"]))
        return AwayClaim(int(data["o"]), int(data["c"]), datetime(*day.timetuple()[:3], tzinfo=UTC))
    except (TypeError, ValueError):
        raise TokenInvalid("malformed away token") from None
