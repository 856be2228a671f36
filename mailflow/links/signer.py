"""One Signer for every signed link and key; the purposes are data.

A link token is itsdangerous-signed JSON with a salt per purpose, so a token of one
purpose never verifies as another. Several secret keys may be configured for rotation
(``MAILFLOW_SECRET_KEYS``, newest last): the newest signs, all verify. Every timestamp
comes from the runtime Clock through itsdangerous' ``get_timestamp`` hook, so a test
moves the clock instead of sleeping past a max age. The typed payloads are in
:mod:`mailflow.links.claims`.

Reply and bounce keys are parts of an address, not links: ``<fields>.<mac>`` in base 36,
short enough for the 64-character local part of ``reply+<key>@domain``. Where one shared
address takes every reply, the same key rides in the Message-ID (``….rk-<key>@``, with
dashes for dots) and, shorter, as a code in the subject (``[#L-<offer>-<contact>-<day>-<mac>]``),
checked by the same HMAC and expiring alike.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Literal, Self, TypeVar

from itsdangerous import (
    BadData,
    SignatureExpired,
    TimestampSigner,
    URLSafeSerializer,
    URLSafeTimedSerializer,
)

from mailflow.clock import Clock
from mailflow.rules import onboarding

CONFIGURED: Final = "configured"  # the link max age of the settings (MAILFLOW_TOKEN_MAX_AGE_DAYS)
RESET_MAX_AGE_S = 3600
EMAIL_CHANGE_MAX_AGE_S = 24 * 3600
# an invitation's link lasts as long as the invitation (which runs out by itself)
INVITATION_MAX_AGE_S = (onboarding.VALID_DAYS + 1) * 86400
_REPLY_SALT = b"mailflow.reply-key.v1"
_MAC_CHARS = 10
_CODE_MAC_CHARS = 6  # a subject code's MAC: ~31 bits, and the sender is verified as well


class TokenInvalid(Exception):
    """Tampered, truncated, signed for another purpose, or not ours."""


class TokenExpired(Exception):
    """Correctly signed but older than the max age."""


@dataclass(frozen=True)
class Purpose:
    salt: str
    path: str  # the link is ``<base URL><path><token>``
    max_age_s: int | Literal["configured"] | None  # None: never expires


_ACTION_SALT = "mailflow.action-link.v1"
PURPOSES: dict[str, Purpose] = {
    # a partner's one-click links; a qualify link is an action link with its own page
    "action": Purpose(_ACTION_SALT, "/a/", CONFIGURED),
    "qualify": Purpose(_ACTION_SALT, "/q/", CONFIGURED),
    "escalation": Purpose("mailflow.escalation-link.v1", "/e/", CONFIGURED),
    "away": Purpose("mailflow.away-confirm-link.v1", "/away/", CONFIGURED),
    # a partner's contact keeps its company's profile (the footer of every partner email)
    "profile": Purpose("mailflow.profile-link.v1", "/p/", CONFIGURED),
    # an invited partner accepts the terms and keeps its profile; an active one accepts a
    # new version of the terms
    "join": Purpose("mailflow.partner-invitation-link.v1", "/join/", INVITATION_MAX_AGE_S),
    "terms": Purpose("mailflow.terms-acceptance-link.v1", "/terms/", CONFIGURED),
    # a partner manager decides the wider regions a partner asked for
    "territory": Purpose("mailflow.territory-request-link.v1", "/territory/", CONFIGURED),
    # a "did you mean …?" email's choices: one link per choice of one asked-back reply
    "choice": Purpose("mailflow.reply-choice-link.v1", "/r/", CONFIGURED),
    # a partner's deal registration (confirm what an email was read as, ask for more time)
    # and the staff's one-click decision on it
    "deal": Purpose("mailflow.deal-link.v1", "/deal/", CONFIGURED),
    "deal_review": Purpose("mailflow.deal-review-link.v1", "/deal-review/", CONFIGURED),
    # an old report must still be able to unsubscribe
    "unsubscribe": Purpose("mailflow.report-unsubscribe.v1", "/reports/unsubscribe/", None),
    "password_reset": Purpose("mailflow.password-reset.v1", "/console/reset/", RESET_MAX_AGE_S),
    "email_change": Purpose("mailflow.email-change.v1", "/console/email/", EMAIL_CHANGE_MAX_AGE_S),
}


class Claim:
    """What a token says; a frozen dataclass of :mod:`mailflow.links.claims`."""

    PURPOSE: ClassVar[str]

    @property
    def purpose(self) -> str:
        return self.PURPOSE

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        """The claim of a verified payload; TokenInvalid when it is not one."""
        raise NotImplementedError


C = TypeVar("C", bound=Claim)


def _clocked(clock: Clock) -> type[TimestampSigner]:
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
        signer = _clocked(self._clock)
        self._serializers = {
            p.salt: URLSafeTimedSerializer(self._keys, salt=p.salt, signer=signer)
            for p in PURPOSES.values()
        }
        self._recent: tuple[int, dict[Claim, str]] = (0, {})

    def max_age_s(self, purpose: str) -> int | None:
        age = PURPOSES[purpose].max_age_s
        return self._max_age_s if age == CONFIGURED else age

    # -- links ----------------------------------------------------------------------
    def sign(self, claim: Claim) -> str:
        """Signed anew each second at most: the token carries its second, so within one it
        is the same string (a pick by email signs the same links for two emails)."""
        second, recent = self._recent
        now = int(self._clock.now().timestamp())
        if second != now:
            second, recent = now, {}
            self._recent = (second, recent)
        token = recent.get(claim)
        if token is None:
            serializer = self._serializers[PURPOSES[claim.purpose].salt]
            token = recent[claim] = serializer.dumps(claim.payload())
        return token

    def path(self, claim: Claim) -> str:
        return f"{PURPOSES[claim.purpose].path}{self.sign(claim)}"

    def read(self, kind: type[C], token: str) -> C:
        purpose = kind.PURPOSE
        serializer = self._serializers[PURPOSES[purpose].salt]
        try:
            data = serializer.loads(token, max_age=self.max_age_s(purpose))
        except SignatureExpired as exc:
            raise TokenExpired(str(exc)) from None
        except BadData as exc:  # a bad signature, or a payload that is not ours
            raise TokenInvalid(str(exc)) from None
        if not isinstance(data, dict):
            raise TokenInvalid("unexpected payload")
        return kind.parse(data)

    def read_any_age(self, kind: type[C], token: str) -> C:
        """The claim of a correctly signed token however old: only to tell the holder of
        an expired link so in their language, never to act on it."""
        serializer = self._serializers[PURPOSES[kind.PURPOSE].salt]
        try:
            data = serializer.loads(token)
        except BadData as exc:
            raise TokenInvalid(str(exc)) from None
        if not isinstance(data, dict):
            raise TokenInvalid("unexpected payload")
        return kind.parse(data)

    def read_untimed(self, purpose: str, token: str) -> Any:
        """The payload of a token signed without a timestamp (links of older emails)."""
        try:
            return URLSafeSerializer(self._keys, salt=PURPOSES[purpose].salt).loads(token)
        except BadData as exc:
            raise TokenInvalid(str(exc)) from None

    # -- reply and bounce keys ------------------------------------------------------
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

    def _today(self) -> int:
        return int(self._clock.now().timestamp() // 86400)

    def reply_key(self, offer_id: int, contact_id: int) -> str:
        """``<offer>.<contact>.<day issued>.<mac>``: fits ``reply+…@`` in 64 characters."""
        return self._signed(f"{_b36(offer_id)}.{_b36(contact_id)}.{_b36(self._today())}")

    def read_reply_key(self, key: str) -> tuple[int, int]:
        """The (offer, contact) of a reply key; expired after the link max age."""
        offer, contact, day = (_int36(p) for p in self._verify(key, 3))
        return self._fresh(offer, contact, day)

    def reply_code(self, key: str) -> str:
        """The subject code ``L-<offer>-<contact>-<day issued>-<mac>`` of a reply key we
        signed (however old: an email sent again keeps its key and code)."""
        fields = ".".join(self._verify(key, 3))
        mac = self._mac(self._keys[-1], fields)[:_CODE_MAC_CHARS]
        return f"L-{fields}.{mac}".replace(".", "-")

    def read_reply_code(self, code: str) -> tuple[int, int]:
        """The (offer, contact) of a subject code; the same checks as a reply key."""
        parts = code.lower().removeprefix("l-").split("-")
        if len(parts) != 4 or len(code) > 40:
            raise TokenInvalid("malformed code")
        body = ".".join(parts[:3])
        macs = (self._mac(k, body)[:_CODE_MAC_CHARS] for k in self._keys)
        if not any(hmac.compare_digest(mac, parts[3]) for mac in macs):
            raise TokenInvalid("code signature does not match")
        return self._fresh(*(_int36(p) for p in parts[:3]))

    def _fresh(self, offer: int, contact: int, day: int) -> tuple[int, int]:
        if (self._today() - day) * 86400 > self._max_age_s:
            raise TokenExpired("reply key is too old")
        return offer, contact

    def deal_key(self, contact_id: int) -> str:
        """For ``deals+<key>@``: ``dl.<contact>.<mac>``, a partner contact's own address for
        forwarded deals (three parts: never a bounce key's two or a reply key's four)."""
        return self._signed(f"dl.{_b36(contact_id)}")

    def read_deal_key(self, key: str) -> int:
        tag, contact = self._verify(key, 2)
        if tag != "dl":
            raise TokenInvalid("not a deal key")
        return _int36(contact)

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
