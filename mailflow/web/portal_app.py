"""The partner's page as an installable web app: a manifest per signed "my leads" link,
so the installed app opens that contact's own page (no password, the link is the key)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, jsonify, url_for

from mailflow import i18n
from mailflow.links.claims import LinkClaim
from mailflow.links.signer import TokenExpired, TokenInvalid
from mailflow.models import Contact
from mailflow.web.context import runtime
from mailflow.web.errors import invalid_link

bp = Blueprint("portal_app", __name__)


@bp.get("/a/<token>/manifest.webmanifest")
def manifest(token: str) -> Any:
    g.token_route = True
    try:
        claim = runtime().signer.read(LinkClaim, token)
    except (TokenExpired, TokenInvalid):
        abort(invalid_link())
    if claim.action != "portal":
        abort(invalid_link())
    with runtime().db.read() as session:
        contact = session.get(Contact, claim.contact_id)
    if contact is None:
        abort(404)
    lang = i18n.normalize(contact.language)
    start = url_for("dialogs.show", token=token)
    response = jsonify(
        {
            "name": f"{runtime().brand()['name']} – {i18n.gettext(lang, i18n.N_('My leads'))}",
            "short_name": i18n.gettext(lang, i18n.N_("My leads")),
            "lang": lang,
            "description": i18n.gettext(
                lang, i18n.N_("Your open offers, your leads and their status.")
            ),
            "id": start,
            "start_url": start,
            "scope": start,
            "display": "standalone",
            "background_color": "#eef1f4",
            "theme_color": "#0b5cad",
            "icons": [
                {
                    "src": url_for("static", filename=f"icons/icon-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": "any maskable",
                }
                for size in (192, 512)
            ],
        }
    )
    response.mimetype = "application/manifest+json"
    return response
