"""One-click unsubscribe from report emails (RFC 8058).

GET shows a page with a button (link scanners open GET: it changes nothing). POST turns
the reports off: the button posts here, and so do mail clients when the user clicks
"unsubscribe" (``List-Unsubscribe=One-Click`` in the body, cross-site by nature, so
no same-site check: the signed token is what authorizes).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, make_response, render_template

from mailflow import i18n, optout
from mailflow.actions import unit
from mailflow.actions.errors import NotFound
from mailflow.actions.unsubscribe import unsubscribe_reports
from mailflow.models import Contact
from mailflow.tokens import TokenInvalid
from mailflow.web import runtime
from mailflow.web.errors import invalid_link

bp = Blueprint("unsubscribe", __name__)


def _contact(token: str) -> Contact:
    g.token_route = True
    try:
        contact_id = optout.read(runtime().settings.secret_keys, token)
    except TokenInvalid:
        abort(invalid_link())
    with runtime().db.read() as s:
        contact = s.get(Contact, contact_id)
    if contact is None:
        abort(404)
    return contact


def _lang(contact: Contact) -> str:
    return i18n.normalize(contact.language, runtime().settings.default_language)


@bp.get("/u/<token>")
def confirm(token: str) -> Any:
    contact = _contact(token)
    return render_template(
        "unsubscribe.html", lang=_lang(contact), contact=contact, token=token, done=False
    )


@bp.post("/u/<token>")
def unsubscribe(token: str) -> Any:
    contact = _contact(token)
    assert contact.id is not None
    try:
        with unit(runtime(), f"contact:{contact.id}", "web") as ctx:
            unsubscribe_reports(ctx, contact.id)
    except NotFound:
        abort(404)
    page = render_template(
        "unsubscribe.html", lang=_lang(contact), contact=contact, token=token, done=True
    )
    return make_response(page, 200)
