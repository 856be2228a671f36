"""Console pages: the lead list and a lead's full story (offers, feedback, events)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlmodel import col, func, select

from mailflow import visibility
from mailflow.lifecycle import LEAD_STATES
from mailflow.models import Event, Feedback, Lead, Offer, Organization
from mailflow.web import runtime
from mailflow.web.console.auth import login_required
from mailflow.web.console.scope import viewer

bp = Blueprint("console", __name__, url_prefix="/console")
PAGE = 50


@bp.get("/")
@login_required()
def index() -> Any:
    state = request.args.get("state") or None
    page = max(1, request.args.get("page", 1, type=int))
    with runtime().db.read() as s:
        scope = visibility.leads(viewer())
        query = (
            select(Lead, Organization)
            .join(Organization, col(Organization.id) == Lead.owner_id, isouter=True)
            .where(scope)
        )
        if state in LEAD_STATES:
            query = query.where(Lead.state == state)
        rows = s.exec(
            query.order_by(col(Lead.id).desc()).offset((page - 1) * PAGE).limit(PAGE)
        ).all()
        counts = dict(
            s.exec(select(Lead.state, func.count()).where(scope).group_by(Lead.state)).all()
        )
    return render_template(
        "console/leads.html",
        lang="en",
        rows=rows,
        counts=counts,
        state=state,
        page=page,
        states=LEAD_STATES,
        more=len(rows) == PAGE,
    )


@bp.get("/leads/<int:lead_id>")
@login_required()
def lead(lead_id: int) -> Any:
    who = viewer()
    with runtime().db.read() as s:
        row = s.get(Lead, lead_id)
        if row is None or not visibility.may_see_lead(s, who, lead_id):
            abort(404)
        offers = s.exec(
            select(Offer, Organization)
            .join(Organization, col(Organization.id) == Offer.organization_id)
            .where(Offer.lead_id == lead_id, visibility.offers_of_lead(who))
            .order_by(col(Offer.id))
        ).all()
        events = s.exec(
            select(Event)
            .where(Event.lead_id == lead_id, visibility.events(who))
            .order_by(col(Event.id))
        ).all()
        feedback = s.exec(
            select(Feedback)
            .where(Feedback.lead_id == lead_id, visibility.feedback(who))
            .order_by(col(Feedback.id))
        ).all()
        owner = s.get(Organization, row.owner_id) if row.owner_id else None
    return render_template(
        "console/lead.html",
        lang="en",
        lead=row,
        offers=offers,
        events=events,
        feedback=feedback,
        owner=owner,
        private=not visibility.sees_customer(who, row),
    )
