"""Console pages: the lead list (with a search) and a lead's full story (offers,
feedback, notes, the partner's replies, the audit trail)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlmodel import col, select

from mailflow.actions.leads.edit import TEMPERATURES
from mailflow.actions.leads.override import MOVABLE
from mailflow.models import InboundEmail, Lead, Organization
from mailflow.queries import lead_pages, offers, visibility
from mailflow.queries.matching_input import PARTNER_KINDS
from mailflow.rules import lifecycle
from mailflow.rules.lifecycle import LEAD_STATES, OPEN_STAGES
from mailflow.web.console.auth import login_required
from mailflow.web.console.scope import viewer
from mailflow.web.context import runtime

bp = Blueprint("console", __name__, url_prefix="/console")
PAGE = 50
# who may change a lead from its page (the matching page's managers, and staff)
EDITORS = ("admin", "ops", "partner_manager")


@bp.get("/")
@login_required()
def index() -> Any:
    state = request.args.get("state") or None
    q = request.args.get("q", "")
    page = max(1, request.args.get("page", 1, type=int))
    with runtime().db.read() as s:
        found = lead_pages.lead_list(s, viewer(), state, q, page, PAGE)
    return render_template(
        "console/leads.html",
        rows=found.rows,
        counts=found.counts,
        customers=found.customers,
        state=state,
        q=q.strip(),
        page=page,
        states=LEAD_STATES,
        more=found.more,
    )


@bp.get("/leads/<int:lead_id>")
@login_required()
def lead(lead_id: int) -> Any:
    who = viewer()
    with runtime().db.read() as s:
        row = s.get(Lead, lead_id)
        if row is None or not visibility.may_see_lead(s, who, lead_id):
            abort(404)
        story = lead_pages.lead_story(s, who, lead_id)
        reachable = offers.recipients(s, lead_id) if who.role in EDITORS else []
        reply_from = s.exec(
            select(InboundEmail.contact_id)
            .where(InboundEmail.lead_id == lead_id, col(InboundEmail.contact_id).is_not(None))
            .order_by(col(InboundEmail.id).desc())
        ).first()
        owner = s.get(Organization, row.owner_id) if row.owner_id else None
        may_edit = who.role in EDITORS
        partners = (
            s.exec(
                select(Organization)
                .where(
                    col(Organization.kind).in_(PARTNER_KINDS),
                    col(Organization.active).is_(True),
                    visibility.organizations(who),
                )
                .order_by(col(Organization.name))
                .limit(500)
            ).all()
            if may_edit
            else []
        )
    return render_template(
        "console/lead.html",
        lead=row,
        story=story,
        owner=owner,
        private=not visibility.sees_customer(who, row),
        may_edit=may_edit and row.state not in lifecycle.CLOSED_STAGES,
        may_withdraw=may_edit and lifecycle.can_lead(row.state, "withdrawn"),
        may_reassign=may_edit and (row.state in MOVABLE or row.state in OPEN_STAGES),
        partners=[p for p in partners if p.id != row.owner_id],
        temperatures=TEMPERATURES,
        # a manager writes only to the partners of its own scope
        recipients=[
            r for r in reachable if who.org_ids is None or r.organization_id in who.org_ids
        ],
        reply_from=reply_from,
    )
