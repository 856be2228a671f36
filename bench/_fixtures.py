"""Shared data for the mail benchmarks: offer contexts, a throwaway DKIM key."""

from __future__ import annotations

import base64
from typing import Any

from mailflow.mail import kinds
from mailflow.mail.branding import default_brand
from mailflow.mail.signing import DkimSigner
from mailflow.settings import Settings


def offer_context(settings: Settings, i: int) -> dict[str, Any]:
    ctx = kinds.sample("offer", "de" if i % 2 else "en")
    ctx["recipient_name"] = f"Partner {i}"
    ctx["links"] = {a: f"{settings.base_url}/a/{a}-{i:08d}" for a in ("pick", "decline", "portal")}
    ctx["lead"] = {**ctx["lead"], "id": 1000 + i}
    ctx["reply_key"] = f"{i:x}.1.abcdefghij"
    ctx["brand"] = default_brand(settings)
    return ctx


def ed25519_signer(domain: str = "bench.example") -> tuple[DkimSigner, bytes]:
    """A fresh Ed25519 DKIM signer and its public key (base64, as in the DNS record)."""
    from nacl.signing import SigningKey

    key = SigningKey.generate()
    seed = base64.b64encode(bytes(key))
    return DkimSigner(seed, "bench", domain), base64.b64encode(bytes(key.verify_key))
