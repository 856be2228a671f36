"""Request checks the signed-link dialogs share: reading the link, refusing cross-site posts."""

from __future__ import annotations

from flask import abort, g, request

from mailflow.links.signer import C, TokenExpired, TokenInvalid
from mailflow.web.context import runtime
from mailflow.web.errors import invalid_link


def refuse_cross_site() -> None:
    """A cross-site form post is refused (403): the dialogs are only ever posted from
    themselves, so a form on another site that posts here is an attack."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403)


def read_link(kind: type[C], token: str) -> C:
    """The claim of a signed link of ``kind``; an expired or invalid link ends the request
    with the friendly 404 page. Marks the request as a token route (no-store, redacted logs)."""
    g.token_route = True
    try:
        return runtime().signer.read(kind, token)
    except (TokenExpired, TokenInvalid):
        abort(invalid_link())
