"""Confirming a longer away period: ``/away/<token>`` from the partner manager's email.

An out-of-office reply sets a partner away for ``MAILFLOW_AWAY_MAX_DAYS`` at most; the
date it named is set only when a partner manager confirms it here. GET shows the
partner and the dates; the button POSTs. Nothing changes on GET: mail scanners open links.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, make_response, render_template

from mailflow import i18n
from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.partners.away import confirm_away
from mailflow.links.claims import AwayClaim
from mailflow.links.signer import PURPOSES
from mailflow.models import Contact, Organization
from mailflow.queries.away import paused_spans
from mailflow.rules.followup import back_at
from mailflow.web.context import runtime
from mailflow.web.errors import invalid_link
from mailflow.web.security import read_link, refuse_cross_site

bp = Blueprint("away", __name__)
PREFIX = PURPOSES[AwayClaim.PURPOSE].path


def _page(claim: AwayClaim, status: int, **context: Any) -> Any:
    rt = runtime()
    with rt.db.read() as s:
        org = s.get(Organization, claim.organization_id)
        manager = s.get(Contact, claim.contact_id)
        now = rt.clock.now()
        back = back_at(paused_spans(s, claim.organization_id, now), now)
    if org is None or manager is None:
        abort(invalid_link())
    lang = i18n.normalize(manager.language)
    page = render_template(
        "dialogs/away_confirm.html",
        lang=lang,
        partner=org.name,
        current=back.date().isoformat() if back else None,
        asked=claim.until.date().isoformat(),
        **context,
    )
    return make_response(page, status)


@bp.get(f"{PREFIX}<token>")
def show(token: str) -> Any:
    return _page(read_link(AwayClaim, token), 200)


@bp.post(f"{PREFIX}<token>")
def confirm(token: str) -> Any:
    claim = read_link(AwayClaim, token)
    refuse_cross_site()
    try:
        with unit(runtime(), f"contact:{claim.contact_id}", "web") as ctx:
            confirm_away(ctx, claim.organization_id, claim.contact_id, claim.until)
    except ActionError as exc:
        return _page(claim, 409, error=str(exc))
    return _page(claim, 200, done=True)
