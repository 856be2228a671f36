"""The partner manager's one-click decision on a deal registration: ``/deal-review/<token>``
from the ``deal_review`` email (approve or reject) and the ``deal_extension`` email (grant
the time asked for). GET shows the registration and its conflicts; the buttons POST
(mail scanners open links)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, make_response, render_template, request

from mailflow import i18n
from mailflow.actions import unit
from mailflow.actions.context import ActionContext
from mailflow.actions.deals.decide import approve, reject
from mailflow.actions.deals.exclusivity import grant_extension
from mailflow.actions.errors import ActionError
from mailflow.links.claims import DealReviewClaim
from mailflow.links.signer import PURPOSES
from mailflow.models import Contact, DealRegistration, Organization
from mailflow.queries.deals import extension_days
from mailflow.web import dealform
from mailflow.web.context import runtime
from mailflow.web.errors import invalid_link
from mailflow.web.security import read_link, refuse_cross_site

bp = Blueprint("deal_review", __name__)
PREFIX = PURPOSES[DealReviewClaim.PURPOSE].path


def _page(claim: DealReviewClaim, status: int = 200, **context: Any) -> Any:
    with runtime().db.read() as s:
        deal = s.get(DealRegistration, claim.deal_id)
        manager = s.get(Contact, claim.contact_id)
        staff = s.get(Organization, manager.organization_id) if manager else None
        partner = s.get(Organization, deal.organization_id) if deal else None
        days = extension_days(s, deal) if deal else 0
    if deal is None or manager is None or staff is None or staff.kind != "manufacturer":
        abort(invalid_link())
    page = render_template("dialogs/deal_review.html", lang=i18n.normalize(manager.language),
                           deal=deal, partner=partner.name if partner else "",
                           form=dealform.shown(deal), fields=dealform.FIELDS,
                           base_url=runtime().settings.base_url, action=claim.action,
                           days=days, **context)  # fmt: skip
    return make_response(page, status)


@bp.get(f"{PREFIX}<token>")
def show(token: str) -> Any:
    return _page(read_link(DealReviewClaim, token))


@bp.post(f"{PREFIX}<token>")
def decide(token: str) -> Any:
    """``decide`` links approve or reject; ``extend`` links grant the time asked for."""
    claim = read_link(DealReviewClaim, token)
    refuse_cross_site()
    action = _chosen(claim, request.form.get("decision"),
                     (request.form.get("note") or "").strip()[:500] or None)  # fmt: skip
    try:
        with unit(runtime(), f"contact:{claim.contact_id}", "web") as ctx:
            action(ctx)
    except ActionError as exc:
        return _page(claim, exc.http_status, error=exc.said or exc.text)
    return _page(claim, done=True)


def _chosen(
    claim: DealReviewClaim, choice: str | None, note: str | None
) -> Callable[[ActionContext], object]:
    """The action the button names, if the link is for it (else 400)."""
    deal_id = claim.deal_id
    if claim.action == "extend" and choice == "extend":
        return lambda ctx: grant_extension(ctx, deal_id)
    if claim.action == "decide" and choice == "approve":
        return lambda ctx: approve(ctx, deal_id, note)
    if claim.action == "decide" and choice == "reject":
        return lambda ctx: reject(ctx, deal_id, note)
    abort(400)
