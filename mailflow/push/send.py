"""One push message to one browser: the payload encrypted for the browser's keys (RFC 8291,
``aes128gcm``, by pywebpush and http_ece), a VAPID JWT for the push service's origin
(RFC 8292, by py_vapid), POSTed to the subscription's endpoint (RFC 8030).

The endpoint is an address the browser chose, so it goes through the webhooks' SSRF guard:
https and public addresses only, connected to the address that was checked.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from py_vapid import Vapid02
from pywebpush import WebPusher

from mailflow.webhooks import address
from mailflow.webhooks.address import Refused, Target
from mailflow.webhooks.client import Call

TIMEOUT_S = 10.0
TTL_S = 24 * 3600  # a phone that is off for a day gets the offer when it is back
JWT_LIFETIME = timedelta(hours=12)  # RFC 8292: at most 24 hours
GONE = (404, 410)  # RFC 8030: the subscription no longer exists


class PushError(Exception):
    """The push service could not be reached or refused the message; ``status`` is its
    answer's code, None when there was none."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def gone(self) -> bool:
        return self.status in GONE


@dataclass(frozen=True)
class Browser:
    """Where and for whom to encrypt: a subscription's endpoint and keys (base64url)."""

    endpoint: str
    p256dh: str
    auth: str


def check_endpoint(endpoint: str, *, allow_private: bool) -> Target:
    """The endpoint's parsed form, or :class:`Refused` (only its form: an address is
    checked when a message is sent, as the name may resolve otherwise by then)."""
    target = address.parse(endpoint)
    if target.scheme != "https" and not allow_private:
        raise Refused("the scheme must be https")
    return target


def keys_valid(browser: Browser) -> bool:
    """The browser's keys have the shapes RFC 8291 gives them: an uncompressed P-256
    point (65 bytes) and a 16-byte authentication secret."""
    try:
        point, secret = _unb64(browser.p256dh), _unb64(browser.auth)
    except (ValueError, binascii.Error):
        return False
    return len(point) == 65 and point[0] == 4 and len(secret) == 16


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def send(
    browser: Browser,
    payload: dict[str, Any],
    *,
    vapid_key: str,
    subject: str,
    now: datetime,
    allow_private: bool = False,
    urgency: str = "high",
) -> None:
    """Encrypt ``payload`` (JSON) for ``browser`` and POST it; :class:`PushError` unless
    the push service accepted it (any 2xx)."""
    try:
        target, addresses = address.check(browser.endpoint, allow_private=allow_private)
    except Refused as exc:
        raise PushError(f"endpoint refused: {exc}") from exc
    body = json.dumps(payload, ensure_ascii=False).encode()
    keys = {"p256dh": browser.p256dh, "auth": browser.auth}
    encrypted = WebPusher({"endpoint": browser.endpoint, "keys": keys}).encode(body)["body"]
    headers = {
        **_vapid(target, vapid_key, subject, now),
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "TTL": str(TTL_S),
        "Urgency": urgency,
    }
    try:
        status = Call(target, addresses, TIMEOUT_S).post(encrypted, headers)
    except OSError as exc:
        raise PushError(f"push service unreachable: {exc}") from exc
    except http.client.HTTPException as exc:  # an answer that is not HTTP
        raise PushError(f"push service answered no HTTP: {exc!r}") from exc
    if not 200 <= status < 300:
        raise PushError(f"push service answered {status}", status)


def _vapid(target: Target, key: str, subject: str, now: datetime) -> dict[str, str]:
    """The ``Authorization: vapid t=<JWT>, k=<public key>`` header for ``target``'s origin."""
    default_port = 443 if target.scheme == "https" else 80
    port = "" if target.port == default_port else f":{target.port}"
    claims = {
        "aud": f"{target.scheme}://{target.host}{port}",
        "exp": int((now + JWT_LIFETIME).timestamp()),
        "sub": subject,
    }
    headers: dict[str, str] = Vapid02.from_raw(key.encode()).sign(claims)
    return headers
