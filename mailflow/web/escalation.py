"""Escalation dialogs: ``/e/<token>?choice=…`` from the partner manager's email.

GET shows the choice (and, for "offer to a partner", the list to choose from); the
button POSTs. Nothing changes on GET: mail scanners open links.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, make_response, render_template, request

from mailflow import i18n
from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.leads.decide import offer_to, widen, withdraw
from mailflow.links.claims import ESCALATION_CHOICES, EscalationClaim
from mailflow.models import Contact, Lead
from mailflow.queries.escalation import choices
from mailflow.rules.forminput import parse_id
from mailflow.web.context import runtime
from mailflow.web.security import read_link, refuse_cross_site

bp = Blueprint("escalation", __name__)


def _render(status: int, lang: str, **context: Any) -> Any:
    return make_response(render_template("dialogs/escalation.html", lang=lang, **context), status)


@bp.get("/e/<token>")
def show(token: str) -> Any:
    claim = read_link(EscalationClaim, token)
    choice = request.args.get("choice", "offer_to")
    if choice not in ESCALATION_CHOICES:
        abort(404)
    with unit(runtime(), f"contact:{claim.contact_id}", "web") as ctx:  # read only
        lead = ctx.session.get(Lead, claim.lead_id)
        contact = ctx.session.get(Contact, claim.contact_id)
        if lead is None or contact is None:
            abort(404)
        partners = choices(ctx.session, lead, ctx.now) if choice == "offer_to" else []
    lang = i18n.normalize(contact.language)
    return _render(200, lang, lead=lead, choice=choice, partners=partners)


@bp.post("/e/<token>")
def act(token: str) -> Any:
    claim = read_link(EscalationClaim, token)
    refuse_cross_site()
    choice = request.form.get("choice", "")
    actor = f"contact:{claim.contact_id}"
    try:
        with unit(runtime(), actor, "web") as ctx:
            if choice == "offer_to":
                offer_to(
                    ctx, claim.lead_id, claim.contact_id, parse_id(request.form.get("partner"))
                )
            elif choice == "widen":
                widen(ctx, claim.lead_id, claim.contact_id)
            elif choice == "withdraw":
                withdraw(ctx, claim.lead_id, claim.contact_id)
            else:
                abort(400)
    except (ActionError, ValueError, KeyError) as exc:
        return _done(claim, choice, str(exc), 409)
    return _done(claim, choice, None, 200)


def _done(claim: EscalationClaim, choice: str, error: str | None, status: int) -> Any:
    """The result; a refused choice shows the form again with the partners who can take
    the lead now."""
    rt = runtime()
    with rt.db.read() as s:
        lead = s.get(Lead, claim.lead_id)
        contact = s.get(Contact, claim.contact_id)
        if lead is None:
            abort(404)
        again = error is not None and choice == "offer_to"
        partners = choices(s, lead, rt.clock.now()) if again else []
    lang = i18n.normalize(contact.language if contact else None)
    return _render(
        status, lang, lead=lead, choice=choice, partners=partners, done=error is None, error=error
    )
