"""One-click opt-out of the weekly report (RFC 8058).

``GET`` shows a confirm page (mail scanners open links and must change nothing); the
page's button, and a mail client's ``List-Unsubscribe=One-Click`` POST, opt out.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template

from mailflow import signed
from mailflow.actions import unit
from mailflow.actions.report import opt_out
from mailflow.models import Contact
from mailflow.tokens import TokenExpired, TokenInvalid
from mailflow.web import runtime

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _contact(token: str) -> Contact | None:
    g.token_route = True
    try:
        data = signed.loads(runtime().settings.secret_keys, signed.UNSUBSCRIBE, token, None)
    except (TokenInvalid, TokenExpired):
        return None
    with runtime().db.read() as s:
        return s.get(Contact, data["c"])


@bp.get("/unsubscribe/<token>")
def confirm(token: str) -> Any:
    contact = _contact(token)
    if contact is None:
        return render_template("reports/unsubscribe.html", lang="en", invalid=True), 404
    return render_template("reports/unsubscribe.html", lang=contact.language, contact=contact)


@bp.post("/unsubscribe/<token>")
def unsubscribe(token: str) -> Any:
    contact = _contact(token)
    if contact is None or contact.id is None:
        return render_template("reports/unsubscribe.html", lang="en", invalid=True), 404
    with unit(runtime(), f"contact:{contact.id}", "web") as ctx:
        opt_out(ctx, contact.id)
    return render_template("reports/unsubscribe.html", lang=contact.language, done=True)
