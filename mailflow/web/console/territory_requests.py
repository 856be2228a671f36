"""Console: partners' requests for wider regions — the pending ones first — narrowed to
the partners the user may see; a partner manager approves or rejects here with the same
action as the one-click link of the ``territory_request`` email."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.partners.territory_requests import decide_territory
from mailflow.i18n import N_
from mailflow.models import TerritoryRequest
from mailflow.queries import visibility
from mailflow.queries.territory_requests import DECIDED, PENDING, territory_requests
from mailflow.web.console.auth import current_user, login_required
from mailflow.web.console.locale import gettext, refusal
from mailflow.web.console.scope import viewer
from mailflow.web.context import runtime

bp = Blueprint("console_territory", __name__, url_prefix="/console/territory-requests")
READERS = ("admin", "ops", "partner_manager")
DECIDER = "partner_manager"  # the action's rule (it refuses anyone else): the buttons' too
NAV = (N_("Territory requests"), "console_territory.index")


def _visible() -> Any:
    return visibility.partner_rows(viewer(), TerritoryRequest.organization_id)


@bp.get("")
@login_required(*READERS)
def index() -> Any:
    user = current_user()
    assert user is not None
    with runtime().db.read() as s:
        pending = territory_requests(s, _visible(), PENDING)
        decided = territory_requests(s, _visible(), DECIDED, limit=50)
    return render_template("console/territory_requests.html", pending=pending,
                           decided=decided, decides=user.role == DECIDER)  # fmt: skip


@bp.post("/<int:request_id>/decide")
@login_required(*READERS)
def decide(request_id: int) -> Any:
    user = current_user()
    assert user is not None and user.id is not None
    choice = request.form.get("decision")
    if choice not in ("approve", "reject"):
        abort(400)
    with runtime().db.read() as s:
        seen = s.exec(
            select(TerritoryRequest.id).where(col(TerritoryRequest.id) == request_id, _visible())
        ).first()
    if seen is None:
        abort(404)
    try:
        with unit(runtime(), f"console:{user.id}", "console") as ctx:
            decide_territory(ctx, request_id, user.id, choice == "approve")
    except ActionError as exc:
        flash(refusal(exc), "error")
    else:
        done = N_("Request approved.") if choice == "approve" else N_("Request rejected.")
        flash(gettext(done), "ok")
    return redirect(url_for("console_territory.index"))
