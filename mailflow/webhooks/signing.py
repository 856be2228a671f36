"""``Mailflow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``.

The timestamp is inside the MAC, so a receiver that also checks it is recent refuses
replays of an old delivery. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Mailflow-Signature"
TOLERANCE_S = 300


class BadSignature(ValueError):
    pass


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance_s: int = TOLERANCE_S) -> None:
    """Raise :class:`BadSignature` unless ``header`` signs ``body`` and is recent."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        raise BadSignature("no timestamp") from None
    if abs(now - timestamp) > tolerance_s:
        raise BadSignature("timestamp outside the tolerance")
    if not hmac.compare_digest(_mac(secret, timestamp, body), parts.get("v1", "")):
        raise BadSignature("signature does not match")
