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

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from mailflow.tokens import TokenExpired, TokenInvalid

_SALT = "mailflow.away-confirm-link.v1"
PREFIX = "/away/"


@dataclass(frozen=True)
class AwayClaim:
    organization_id: int
    contact_id: int  # the partner manager the link was sent to
    until: datetime  # the date the out-of-office named (midnight UTC)


def _serializer(rt: Any) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(list(rt.settings.secret_keys), salt=_SALT)


def link(rt: Any, organization_id: int, contact_id: int, until: datetime) -> str:
    payload = {"o": organization_id, "c": contact_id, "u": until.date().isoformat()}
    return f"{rt.settings.base_url}{PREFIX}{_serializer(rt).dumps(payload)}"


def read(rt: Any, token: str) -> AwayClaim:
    try:
        data = _serializer(rt).loads(token, max_age=rt.settings.token_max_age_days * 86400)
    except SignatureExpired as exc:
        raise TokenExpired(str(exc)) from None
    except BadData as exc:  # a bad signature, or a payload that is not ours
        raise TokenInvalid(str(exc)) from None
    if not isinstance(data, dict) or not {"o", "c", "u"} <= data.keys():
        raise TokenInvalid("malformed away token")
    try:
        day = date.fromisoformat(str(data["u"]))
        return AwayClaim(int(data["o"]), int(data["c"]), datetime(*day.timetuple()[:3], tzinfo=UTC))
    except (TypeError, ValueError):
        raise TokenInvalid("malformed away token") from None
