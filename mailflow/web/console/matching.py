"""Console pages for matching: the qualification queue, and for one lead the matcher's
explanation (each candidate's score by criterion, why others were left out) with the
partner manager's override (offer to chosen partners, assign to one)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.leads.override import MOVABLE, assign, offer_to
from mailflow.actions.leads.qualification import approve
from mailflow.models import Lead
from mailflow.models.states import LeadState
from mailflow.queries import offers, visibility
from mailflow.queries.matching_input import explain_lead
from mailflow.rules.forminput import FormInputError, parse_id
from mailflow.rules.matching.criteria import CRITERIA
from mailflow.web.console.auth import current_user, login_required
from mailflow.web.console.locale import gettext, refusal
from mailflow.web.console.scope import viewer
from mailflow.web.context import runtime

bp = Blueprint("console_matching", __name__, url_prefix="/console")
MANAGERS = ("admin", "partner_manager", "manager")
# The queue lists every new lead and the ranking names competing partners: not for reps.
VIEWERS = (*MANAGERS, "ops")
TOP = 50  # candidates shown before "show all"
EXAMPLES = 5  # excluded partners shown per reason


@bp.get("/qualification")
@login_required(*VIEWERS)
def queue() -> Any:
    with runtime().db.read() as s:
        leads = s.exec(
            select(Lead)
            .where(Lead.state == LeadState.NEW, visibility.leads(viewer()))
            .order_by(col(Lead.id))
            .limit(200)
        ).all()
    return render_template("console/qualification.html", leads=leads)


@bp.post("/leads/<int:lead_id>/approve")
@login_required(*MANAGERS)
def approve_lead(lead_id: int) -> Any:
    return _act(lead_id, lambda ctx: approve(ctx, lead_id, request.form.get("note") or None))


@bp.get("/leads/<int:lead_id>/matching")
@login_required(*VIEWERS)
def explanation(lead_id: int) -> Any:
    rt = runtime()
    with rt.db.read() as s:
        lead = s.get(Lead, lead_id)
        if lead is None or not visibility.may_see_lead(s, viewer(), lead_id):
            abort(404)
        now = rt.clock.now()
        ranking = explain_lead(s, lead, now, rt.settings.ring_size)
        offered = offers.of_lead(s, lead_id)
    show_all = request.args.get("all") == "1"
    return render_template(
        "console/matching.html",
        lead=lead,
        ranking=ranking,
        ranked=ranking.top(None if show_all else TOP),
        show_all=show_all,
        groups=ranking.exclusion_groups(EXAMPLES),
        ring={m.organization_id for m in ranking.ring},
        criteria=CRITERIA,
        offered=offered,
        movable=lead.state in MOVABLE,
        now=now,
    )


@bp.post("/leads/<int:lead_id>/offer")
@login_required(*MANAGERS)
def offer(lead_id: int) -> Any:
    ids = [int(v) for v in request.form.getlist("organization_id") if _is_id(v)]
    return _act(lead_id, lambda ctx: offer_to(ctx, lead_id, ids))


@bp.post("/leads/<int:lead_id>/assign")
@login_required(*MANAGERS)
def assign_lead(lead_id: int) -> Any:
    org = request.form.get("organization_id", "")
    if not _is_id(org):
        flash(gettext("Choose one partner to assign the lead to."))
        return redirect(url_for(".explanation", lead_id=lead_id))
    return _act(lead_id, lambda ctx: assign(ctx, lead_id, int(org)))


def _is_id(value: str) -> bool:
    try:
        parse_id(value)
    except FormInputError:
        return False
    return True


def _act(lead_id: int, action: Any) -> Any:
    user = current_user()
    assert user is not None
    with runtime().db.read() as s:
        if not visibility.may_see_lead(s, viewer(), lead_id):
            abort(404)  # a dealer's manager decides on its own slice only
    try:
        with unit(runtime(), f"console:{user.id}", "console") as ctx:
            action(ctx)
    except ActionError as exc:
        flash(refusal(exc))
        return redirect(url_for(".explanation", lead_id=lead_id))
    return redirect(url_for("console.lead", lead_id=lead_id))
