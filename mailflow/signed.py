"""Signed tokens for report opt-outs, password resets and email changes (itsdangerous, one
salt each, key rotation like the action links: the newest key signs, all verify).

The report opt-out token names only the contact and never expires: an old report must
still be able to unsubscribe. Reports sent before the two opt-out links were unified
carry ``/u/<token>`` links with an untimed token (``{"u": contact}``) under the same
salt; :func:`read_unsubscribe` accepts those too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from itsdangerous import BadData, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from mailflow.tokens import TokenExpired, TokenInvalid

UNSUBSCRIBE = "mailflow.report-unsubscribe.v1"
PASSWORD_RESET = "mailflow.password-reset.v1"
EMAIL_CHANGE = "mailflow.email-change.v1"


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
    """Binds a token to the current value (a password hash, an email address): once that
    changes, the token is spent."""
    return hashlib.sha256((password_hash or "-").encode()).hexdigest()[:16]


def unsubscribe_url(base_url: str, keys: Sequence[str], contact_id: int) -> str:
    """The one opt-out link of report emails (page, button and RFC 8058 one-click POST)."""
    return f"{base_url}/reports/unsubscribe/{dumps(keys, UNSUBSCRIBE, {'c': contact_id})}"


def read_unsubscribe(keys: Sequence[str], token: str) -> int:
    """The contact an opt-out token names: a current token or one of an older ``/u/`` link."""
    try:
        return int(loads(keys, UNSUBSCRIBE, token, None)["c"])
    except TokenInvalid:
        pass
    try:
        data = URLSafeSerializer(list(keys), salt=UNSUBSCRIBE).loads(token)
    except BadData as exc:  # a bad signature, or a payload that is not ours
        raise TokenInvalid(str(exc)) from None
    contact_id = data.get("u") if isinstance(data, dict) else None
    if not isinstance(contact_id, int):
        raise TokenInvalid("unexpected payload")
    return contact_id
