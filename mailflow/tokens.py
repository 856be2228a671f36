"""Signed action links and reply addresses.

Action link tokens are itsdangerous-signed ``{"o": offer, "c": contact, "a": action}``
with a salt per purpose and a max age; several secret keys may be configured for
rotation (newest signs, all verify). Reply keys are short enough for the 64-character
local part of ``reply+<key>@domain``: ``<offer>.<contact>.<mac>`` in base 36.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

Action = Literal["pick", "decline", "feedback", "portal", "qualify"]
ACTIONS: tuple[str, ...] = ("pick", "decline", "feedback", "portal", "qualify")
_LINK_SALT = "mailflow.action-link.v1"
_REPLY_SALT = b"mailflow.reply-key.v1"
_MAC_CHARS = 10


class TokenInvalid(Exception):
    """Tampered, truncated, signed for another purpose, or not ours."""


class TokenExpired(Exception):
    """Correctly signed but older than the max age."""


@dataclass(frozen=True)
class LinkClaim:
    offer_id: int
    contact_id: int
    action: str


class Signer:
    def __init__(self, secret_keys: Sequence[str], max_age_s: int) -> None:
        if not secret_keys:
            raise ValueError("at least one secret key is needed")
        self._keys = list(secret_keys)
        self._max_age_s = max_age_s
        self._links = URLSafeTimedSerializer(self._keys, salt=_LINK_SALT)

    # -- action links -------------------------------------------------------------
    def link_token(self, offer_id: int, contact_id: int, action: str) -> str:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        return self._links.dumps({"o": offer_id, "c": contact_id, "a": action})

    def read_link(self, token: str) -> LinkClaim:
        try:
            data = self._links.loads(token, max_age=self._max_age_s)
        except SignatureExpired as exc:
            raise TokenExpired(str(exc)) from None
        except BadSignature as exc:
            raise TokenInvalid(str(exc)) from None
        if not isinstance(data, dict) or data.get("a") not in ACTIONS:
            raise TokenInvalid("unexpected payload")
        offer, contact = data.get("o"), data.get("c")
        if not isinstance(offer, int) or not isinstance(contact, int):
            raise TokenInvalid("unexpected payload")
        return LinkClaim(offer_id=offer, contact_id=contact, action=data["a"])

    # -- reply keys -----------------------------------------------------------------
    def _mac(self, key: str, body: str) -> str:
        digest = hmac.new(key.encode(), _REPLY_SALT + body.encode(), hashlib.sha256).digest()
        return _b36(int.from_bytes(digest[:8], "big"))[:_MAC_CHARS]

    def reply_key(self, offer_id: int, contact_id: int) -> str:
        body = f"{_b36(offer_id)}.{_b36(contact_id)}"
        return f"{body}.{self._mac(self._keys[-1], body)}"

    def read_reply_key(self, key: str) -> tuple[int, int]:
        parts = key.lower().split(".")
        if len(parts) != 3 or len(key) > 60:
            raise TokenInvalid("malformed reply key")
        body = f"{parts[0]}.{parts[1]}"
        if not any(hmac.compare_digest(self._mac(k, body), parts[2]) for k in self._keys):
            raise TokenInvalid("reply key signature does not match")
        try:
            return int(parts[0], 36), int(parts[1], 36)
        except ValueError:
            raise TokenInvalid("malformed reply key") from None


def _b36(number: int) -> str:
    chars = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rem = divmod(number, 36)
        out = chars[rem] + out
        if number == 0:
            return out
