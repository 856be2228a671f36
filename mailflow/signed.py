"""Signed tokens for report opt-outs and password resets (itsdangerous, one salt each,
key rotation like the action links: the newest key signs, all verify)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from mailflow.tokens import TokenExpired, TokenInvalid

UNSUBSCRIBE = "mailflow.report-unsubscribe.v1"
PASSWORD_RESET = "mailflow.password-reset.v1"


def dumps(keys: Sequence[str], salt: str, payload: dict[str, Any]) -> str:
    return URLSafeTimedSerializer(list(keys), salt=salt).dumps(payload)


def loads(keys: Sequence[str], salt: str, token: str, max_age_s: int | None) -> dict[str, Any]:
    try:
        data = URLSafeTimedSerializer(list(keys), salt=salt).loads(token, max_age=max_age_s)
    except SignatureExpired as exc:
        raise TokenExpired(str(exc)) from None
    except BadData as exc:  # a bad signature, or a payload that is not ours
        raise TokenInvalid(str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        raise TokenInvalid("unexpected payload")
    return data


def fingerprint(password_hash: str | None) -> str:
    """Binds a reset token to the current password: once it changes, the token is spent."""
    return hashlib.sha256((password_hash or "-").encode()).hexdigest()[:16]
