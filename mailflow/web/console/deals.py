"""Console: deal registrations — the ones waiting for a decision first, each with what it
conflicts with, approved or rejected here (one action each)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import ColumnElement
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.deals.decide import approve, reject
from mailflow.actions.errors import ActionError
from mailflow.i18n import N_
from mailflow.models import DealRegistration, Organization
from mailflow.models.states import DealState
from mailflow.queries import visibility
from mailflow.queries.deals import registrations
from mailflow.rules.forminput import FormInputError, check_texts
from mailflow.web import dealform
from mailflow.web.console.auth import current_user, login_required
from mailflow.web.console.locale import gettext, refusal
from mailflow.web.console.scope import viewer
from mailflow.web.context import runtime

bp = Blueprint("console_deals", __name__, url_prefix="/console/deals")
# the manufacturer's staff who decide on partners' registrations
DECIDERS = ("admin", "ops", "partner_manager")
NAV = (N_("Deal registrations"), "console_deals.index")


def _partners(ids: set[int]) -> dict[int, str]:
    with runtime().db.read() as s:
        rows = s.exec(select(Organization).where(col(Organization.id).in_(ids))).all()
    return {o.id: o.name for o in rows if o.id is not None}


def _visible() -> ColumnElement[bool]:
    """The registrations of the partners the user may see (a partner manager: its own)."""
    return visibility.partner_rows(viewer(), DealRegistration.organization_id)


def _seen(deal_id: int) -> DealRegistration:
    """The registration, when the user may see it; else 404."""
    with runtime().db.read() as s:
        deal = s.exec(
            select(DealRegistration).where(col(DealRegistration.id) == deal_id, _visible())
        ).first()
    if deal is None:
        abort(404)
    return deal


@bp.get("")
@login_required(*DECIDERS)
def index() -> Any:
    decided_states = (DealState.APPROVED, DealState.REJECTED, DealState.ENDED)
    with runtime().db.read() as s:
        waiting = registrations(s, states=(DealState.SUBMITTED,), where=_visible())
        decided = registrations(s, states=decided_states, limit=50, where=_visible())
    names = _partners({d.organization_id for d in (*waiting, *decided)})
    return render_template("console/deals.html", waiting=waiting, decided=decided, names=names)


@bp.get("/<int:deal_id>")
@login_required(*DECIDERS)
def show(deal_id: int) -> Any:
    deal = _seen(deal_id)
    partner = _partners({deal.organization_id}).get(deal.organization_id, "")
    return render_template("console/deal.html", deal=deal, form=dealform.shown(deal),
                           fields=dealform.FIELDS, base_url="", partner=partner)  # fmt: skip


@bp.post("/<int:deal_id>/decide")
@login_required(*DECIDERS)
def decide(deal_id: int) -> Any:
    user = current_user()
    assert user is not None
    choice = request.form.get("decision")
    note = (request.form.get("note") or "").strip()[:500] or None
    if choice not in ("approve", "reject"):
        abort(400)
    _seen(deal_id)
    action = approve if choice == "approve" else reject
    try:
        check_texts([("note", note)])
        with unit(runtime(), f"console:{user.id}", "console") as ctx:
            action(ctx, deal_id, note)
    except FormInputError:
        flash(gettext("Please check your input."), "error")
    except ActionError as exc:
        flash(refusal(exc), "error")
    else:
        done = N_("Registration approved.") if choice == "approve" else N_("Registration rejected.")
        flash(gettext(done), "ok")
    return redirect(url_for("console_deals.show", deal_id=deal_id))
