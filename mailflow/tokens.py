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

from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from mailflow.clock import Clock

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


def _clocked(clock: Clock) -> type[TimestampSigner]:
    """A TimestampSigner that reads the time from ``clock`` (itsdangerous' documented
    ``get_timestamp`` hook): a test moves the clock instead of sleeping past a max age."""

    class ClockedSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock.now().timestamp())

    return ClockedSigner


class Signer:
    def __init__(
        self, secret_keys: Sequence[str], max_age_s: int, clock: Clock | None = None
    ) -> None:
        if not secret_keys:
            raise ValueError("at least one secret key is needed")
        self._keys = list(secret_keys)
        self._max_age_s = max_age_s
        self._clock = clock or Clock()
        self._links = URLSafeTimedSerializer(
            self._keys, salt=_LINK_SALT, signer=_clocked(self._clock)
        )
        self._recent: tuple[int, dict[tuple[int, int, str], str]] = (0, {})

    def _now(self) -> float:
        return self._clock.now().timestamp()

    # -- action links -------------------------------------------------------------
    def link_token(self, offer_id: int, contact_id: int, action: str) -> str:
        """Signed anew each second at most: the token carries its second, so within one it
        is the same string (a pick by email signs the same links for two emails)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        second, recent = self._recent
        now = int(self._now())
        if second != now:
            second, recent = now, {}
            self._recent = (second, recent)
        key = (offer_id, contact_id, action)
        token = recent.get(key)
        if token is None:
            token = recent[key] = self._links.dumps({"o": offer_id, "c": contact_id, "a": action})
        return token

    def read_link(self, token: str) -> LinkClaim:
        try:
            data = self._links.loads(token, max_age=self._max_age_s)
        except SignatureExpired as exc:
            raise TokenExpired(str(exc)) from None
        except BadData as exc:  # a bad signature, or a payload that is not ours
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

    def _signed(self, body: str) -> str:
        return f"{body}.{self._mac(self._keys[-1], body)}"

    def _verify(self, key: str, fields: int) -> list[str]:
        parts = key.lower().split(".")
        if len(parts) != fields + 1 or len(key) > 60:
            raise TokenInvalid("malformed key")
        body = ".".join(parts[:-1])
        if not any(hmac.compare_digest(self._mac(k, body), parts[-1]) for k in self._keys):
            raise TokenInvalid("key signature does not match")
        return parts[:-1]

    def reply_key(self, offer_id: int, contact_id: int) -> str:
        """``<offer>.<contact>.<day issued>.<mac>``: fits ``reply+…@`` in 64 characters."""
        day = int(self._now() // 86400)
        return self._signed(f"{_b36(offer_id)}.{_b36(contact_id)}.{_b36(day)}")

    def read_reply_key(self, key: str) -> tuple[int, int]:
        """The (offer, contact) of a reply key; expired after the link max age."""
        offer, contact, day = (_int36(p) for p in self._verify(key, 3))
        today = int(self._now() // 86400)
        if (today - day) * 86400 > self._max_age_s:
            raise TokenExpired("reply key is too old")
        return offer, contact

    def bounce_key(self, email_id: int) -> str:
        """For the envelope sender ``bounce+<key>@…`` (VERP): which email bounced."""
        return self._signed(_b36(email_id))

    def read_bounce_key(self, key: str) -> int:
        return _int36(self._verify(key, 1)[0])


def _int36(text: str) -> int:
    try:
        return int(text, 36)
    except ValueError:
        raise TokenInvalid("malformed key") from None


def _b36(number: int) -> str:
    chars = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rem = divmod(number, 36)
        out = chars[rem] + out
        if number == 0:
            return out
