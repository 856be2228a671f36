"""Signed one-click links of an escalation email: ``{"l": lead, "c": contact}``.

A salt of their own, so an escalation link can never be replayed as a partner's action
link; the same keys, rotation and max age as the action links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from mailflow.tokens import TokenExpired, TokenInvalid

_SALT = "mailflow.escalation-link.v1"
CHOICES = ("offer_to", "widen", "withdraw")


@dataclass(frozen=True)
class EscalationClaim:
    lead_id: int
    contact_id: int


def _serializer(rt: Any) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(list(rt.settings.secret_keys), salt=_SALT)


def link(rt: Any, lead_id: int, contact_id: int, choice: str) -> str:
    token = _serializer(rt).dumps({"l": lead_id, "c": contact_id})
    return f"{rt.settings.base_url}/e/{token}?choice={choice}"


def read(rt: Any, token: str) -> EscalationClaim:
    try:
        data = _serializer(rt).loads(token, max_age=rt.settings.token_max_age_days * 86400)
    except SignatureExpired as exc:
        raise TokenExpired(str(exc)) from None
    except BadData as exc:  # a bad signature, or a payload that is not ours
        raise TokenInvalid(str(exc)) from None
    if not isinstance(data, dict) or not {"l", "c"} <= data.keys():
        raise TokenInvalid("malformed escalation token")
    return EscalationClaim(int(data["l"]), int(data["c"]))
