"""The agency's qualification dialog: ``/q/<token>`` from the qualify_request email.

The token is an action link with ``action="qualify"`` whose first id is the lead. GET
shows the lead and a form; only the POST decides (mail scanners open every link).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, make_response, render_template, request

from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.leads.qualification import EDITABLE, agency_decides
from mailflow.i18n import N_
from mailflow.links.claims import LinkClaim
from mailflow.links.signer import TokenExpired, TokenInvalid
from mailflow.models import Contact, Lead
from mailflow.rules.forminput import FormInputError, check_texts
from mailflow.web.context import runtime
from mailflow.web.security import refuse_cross_site

bp = Blueprint("qualify_dialog", __name__)


def _claim(token: str) -> LinkClaim:
    g.token_route = True
    try:
        claim = runtime().signer.read(LinkClaim, token)
    except (TokenExpired, TokenInvalid):
        claim = None
    if claim is None or claim.action != "qualify":
        abort(
            _message(404, N_("This link is not valid"), N_("Please open it again from the email."))
        )
    return claim


def _message(status: int, title: str, text: str, lang: str = "en") -> Any:
    page = render_template("message.html", lang=lang, tone="error", title=title, text=text)
    return make_response(page, status)


def _load(claim: LinkClaim) -> tuple[Lead, Contact]:
    with runtime().db.read() as s:
        lead, contact = s.get(Lead, claim.offer_id), s.get(Contact, claim.contact_id)
    if lead is None or contact is None:
        abort(_message(404, N_("This link is not valid"), N_("The lead no longer exists.")))
    return lead, contact


@bp.get("/q/<token>")
def show(token: str) -> Any:
    lead, contact = _load(_claim(token))
    return render_template("qualify/check.html", lang=contact.language, lead=lead)


@bp.post("/q/<token>")
def act(token: str) -> Any:
    claim = _claim(token)
    refuse_cross_site()
    _, contact = _load(claim)
    fields = {name: request.form.get(name, "") for name in EDITABLE}
    try:
        check_texts(request.form.items())
        with unit(runtime(), f"contact:{contact.id}", "web") as ctx:
            agency_decides(
                ctx,
                claim.offer_id,
                claim.contact_id,
                approve=request.form.get("decision") == "approve",
                note=(request.form.get("note") or "").strip() or None,
                fields=fields,
            )
    except FormInputError as exc:
        return _refused(claim, contact, str(exc), 422)
    except ActionError as exc:
        return _refused(claim, contact, str(exc), exc.http_status)
    return render_template("qualify/done.html", lang=contact.language, lead=_load(claim)[0])


def _refused(claim: LinkClaim, contact: Contact, error: str, status: int) -> Any:
    page = render_template(
        "qualify/check.html", lang=contact.language, lead=_load(claim)[0], error=error
    )
    return make_response(page, status)
