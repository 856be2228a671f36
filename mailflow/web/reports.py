"""The one opt-out of report emails (RFC 8058), and opting in again.

``GET /reports/unsubscribe/<token>`` shows a confirm page (mail scanners open links and
must change nothing); its button, and a mail client's ``List-Unsubscribe=One-Click``
POST to the same URL, opt out. A mail client posts from elsewhere, so there is no
same-site check: the signed token is what authorizes. The page after opting out offers
to subscribe again (a POST too); logged-in contacts can also do it on the console
dashboard.

``/u/<token>`` is the older contact-wide link of reports already delivered: a GET is
redirected to the page above, a POST (one-click) opts out in place, since mail clients
do not follow redirects of a one-click POST.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template

from mailflow import i18n
from mailflow.actions import unit
from mailflow.actions.partners.report import opt_in, opt_out
from mailflow.links.claims import UnsubscribeClaim, read_unsubscribe
from mailflow.links.signer import TokenInvalid
from mailflow.models import Contact
from mailflow.web.context import runtime

bp = Blueprint("reports", __name__, url_prefix="/reports")
legacy = Blueprint("reports_legacy", __name__)


def _contact(token: str) -> Contact | None:
    g.token_route = True
    try:
        contact_id = read_unsubscribe(runtime().signer, token)
    except TokenInvalid:
        return None
    with runtime().db.read() as s:
        return s.get(Contact, contact_id)


def _page(contact: Contact | None, state: str) -> Any:
    if contact is None or contact.id is None:
        return render_template("reports/unsubscribe.html", lang="en", state="invalid"), 404
    rt = runtime()
    lang = i18n.normalize(contact.language, rt.settings.default_language)
    url = rt.signer.path(UnsubscribeClaim(contact.id))  # the current form
    return render_template(
        "reports/unsubscribe.html", lang=lang, state=state, contact=contact, url=url
    )


def _set(contact: Contact | None, subscribed: bool) -> None:
    if contact is not None and contact.id is not None:
        with unit(runtime(), f"contact:{contact.id}", "web") as ctx:
            (opt_in if subscribed else opt_out)(ctx, contact.id)


@bp.get("/unsubscribe/<token>")
def confirm(token: str) -> Any:
    return _page(_contact(token), "confirm")


@bp.post("/unsubscribe/<token>")
def unsubscribe(token: str) -> Any:
    contact = _contact(token)
    _set(contact, subscribed=False)
    return _page(contact, "unsubscribed")


@bp.post("/unsubscribe/<token>/resubscribe")
def resubscribe(token: str) -> Any:
    contact = _contact(token)
    _set(contact, subscribed=True)
    return _page(contact, "subscribed")


@legacy.get("/u/<token>")
def legacy_confirm(token: str) -> Any:
    contact = _contact(token)
    if contact is None or contact.id is None:
        return _page(None, "invalid")
    return redirect(runtime().signer.path(UnsubscribeClaim(contact.id)), code=303)


@legacy.post("/u/<token>")
def legacy_unsubscribe(token: str) -> Any:
    return unsubscribe(token)
