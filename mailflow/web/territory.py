"""A partner manager decides a partner's wider regions: ``/territory/<token>`` from the
``territory_request`` email. GET shows the request; the buttons POST. Nothing changes on
GET: mail scanners open links.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, make_response, render_template, request

from mailflow import i18n
from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.partners.territory_requests import decide_territory
from mailflow.links.claims import TerritoryClaim
from mailflow.links.signer import PURPOSES
from mailflow.models import Contact, Organization, TerritoryRequest
from mailflow.web.context import runtime
from mailflow.web.errors import invalid_link
from mailflow.web.security import read_link, refuse_cross_site

bp = Blueprint("territory", __name__)
PREFIX = PURPOSES[TerritoryClaim.PURPOSE].path


def _page(claim: TerritoryClaim, status: int, **context: Any) -> Any:
    with runtime().db.read() as s:
        asked = s.get(TerritoryRequest, claim.request_id)
        manager = s.get(Contact, claim.contact_id)
        org = s.get(Organization, asked.organization_id) if asked else None
        asker = s.get(Contact, asked.contact_id) if asked else None
    if asked is None or manager is None or org is None:
        abort(invalid_link())
    page = render_template(
        "dialogs/territory_request.html",
        lang=i18n.normalize(manager.language),
        asked=asked,
        partner=org.name,
        current=org.territory,
        asker=asker.name if asker else "",
        **context,
    )
    return make_response(page, status)


@bp.get(f"{PREFIX}<token>")
def show(token: str) -> Any:
    return _page(read_link(TerritoryClaim, token), 200)


@bp.post(f"{PREFIX}<token>")
def decide(token: str) -> Any:
    claim = read_link(TerritoryClaim, token)
    refuse_cross_site()
    approve = request.form.get("decision") == "approve"
    try:
        with unit(runtime(), f"contact:{claim.contact_id}", "web") as ctx:
            decide_territory(ctx, claim.request_id, claim.contact_id, approve)
    except ActionError as exc:
        return _page(claim, exc.http_status, error=str(exc))
    return _page(claim, 200, done=True)
