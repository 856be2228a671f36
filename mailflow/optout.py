"""Signed one-click unsubscribe links for report emails (RFC 8058).

The token names only the contact; it does not expire (an old report must still be able
to unsubscribe) and is signed with its own salt, so no other token can stand in for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from itsdangerous import BadData, URLSafeSerializer

from mailflow.tokens import TokenInvalid

_SALT = "mailflow.report-unsubscribe.v1"


def _serializer(secret_keys: Sequence[str]) -> URLSafeSerializer:
    return URLSafeSerializer(list(secret_keys), salt=_SALT)


def token(secret_keys: Sequence[str], contact_id: int) -> str:
    return str(_serializer(secret_keys).dumps({"u": contact_id}))


def read(secret_keys: Sequence[str], value: str) -> int:
    try:
        data = _serializer(secret_keys).loads(value)
    except BadData as exc:  # a bad signature, or a payload that is not ours
        raise TokenInvalid(str(exc)) from None
    contact_id = data.get("u") if isinstance(data, dict) else None
    if not isinstance(contact_id, int):
        raise TokenInvalid("unexpected payload")
    return contact_id


def url(base_url: str, secret_keys: Sequence[str], contact_id: int) -> str:
    return f"{base_url}/u/{token(secret_keys, contact_id)}"
