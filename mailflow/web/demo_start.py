"""``/``: the demo's start page, in the visitor's language: what the demo is, and the way
to the mail capture, the console, the API description and a partner's own page.

Only the demo registers it (with the mail capture); a production installation has no
page at ``/``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request
from sqlmodel import col, select

from mailflow import i18n
from mailflow.links.claims import LinkClaim
from mailflow.mail.capture import MailCapture
from mailflow.models import Contact, Offer, Organization
from mailflow.web.context import runtime
from mailflow.web.language import visitor_language

bp = Blueprint("demo_start", __name__)


@bp.get("/")
def start() -> Any:
    chosen = request.args.get("lang", "")
    lang = chosen if chosen in i18n.LANGUAGES else visitor_language()
    box: MailCapture = current_app.extensions["devmail"]
    partner = _a_partner_page()
    demo: dict[str, str] = current_app.config.get("DEMO_LOGIN", {})
    return render_template(
        "demo/start.html",
        lang=lang,
        mails=len(box.messages()),
        partner_url=partner[0] if partner else None,
        partner_name=partner[1] if partner else None,
        ops_email=demo.get("email"),
        ops_password=demo.get("password"),
    )


def _a_partner_page() -> tuple[str, str] | None:
    """The own page (signed link) of the partner contact with the latest offer."""
    rt = runtime()
    with rt.db.read() as session:
        row = session.exec(
            select(Offer.id, Contact.id, Organization.name)
            .join(Contact, col(Contact.organization_id) == Offer.organization_id)
            .join(Organization, col(Organization.id) == Offer.organization_id)
            .where(col(Contact.receives_offers).is_(True))
            .order_by(col(Offer.id).desc(), col(Contact.id))
            .limit(1)
        ).first()
    if row is None:
        return None
    offer_id, contact_id, name = row
    assert offer_id is not None and contact_id is not None
    return rt.url(LinkClaim(offer_id, contact_id, "portal")), name
