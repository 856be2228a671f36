"""Our VAPID key pair (RFC 8292): the private key signs each push request, the public key
is what a browser subscribes with (``applicationServerKey``).

Every process must use the same key: a subscription made with one public key accepts
only requests signed by its private key. ``MAILFLOW_VAPID_PRIVATE_KEY(_FILE)`` sets it for
an installation of several machines; without it the key is made on the first start and
kept in the data directory, like the demo's signing key.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from mailflow.settings import Settings, kept_secret

KEY_FILE = "vapid_private_key"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_private_key() -> str:
    """A fresh P-256 private key, as base64url of its 32 raw bytes."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def private_key(settings: Settings) -> str:
    """The setting's key, else the one kept in the data directory (made once)."""
    if settings.vapid_private_key:
        return settings.vapid_private_key
    return kept_secret(settings.data_dir, KEY_FILE, new_private_key)


def usable_private_key(settings: Settings) -> str | None:
    """:func:`private_key`, or None where the data directory cannot keep one (a read-only
    directory): push is then off, and ``mailflow check`` says why."""
    try:
        return private_key(settings)
    except OSError:
        return None


def public_key(private: str) -> str:
    """The public key of ``private``: base64url of the uncompressed point, as the
    browser's ``pushManager.subscribe`` takes it."""
    raw = base64.urlsafe_b64decode(private + "=" * (-len(private) % 4))
    key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    return b64url(key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))
