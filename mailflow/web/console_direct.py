"""Console pages for the direct connection: the webhook delivery log and CSV downloads."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request
from sqlmodel import col, func, select

from mailflow.csvio import exporter
from mailflow.i18n import N_
from mailflow.models import Organization, Webhook, WebhookDelivery
from mailflow.models.states import DeliveryState
from mailflow.queries.visibility import STAFF_ROLES
from mailflow.web.console.auth import login_required
from mailflow.web.console.scope import viewer
from mailflow.web.context import runtime
from mailflow.web.downloads import csv_download, dialect

bp = Blueprint("console_direct", __name__, url_prefix="/console")
PAGE = 50
NAV = [(N_("Webhooks"), "console_direct.webhooks"), (N_("Export"), "console_direct.exports")]


# Every partner's deliveries and every lead with its customer data: staff only.
@bp.get("/webhooks")
@login_required(*STAFF_ROLES)
def webhooks() -> Any:
    state = request.args.get("state") or None
    page = max(1, request.args.get("page", 1, type=int))
    with runtime().db.read() as s:
        query = (
            select(WebhookDelivery, Webhook, Organization)
            .join(Webhook, col(Webhook.id) == WebhookDelivery.webhook_id)
            .join(Organization, col(Organization.id) == Webhook.organization_id)
        )
        if state in tuple(DeliveryState):
            query = query.where(WebhookDelivery.state == state)
        rows = s.exec(
            query.order_by(col(WebhookDelivery.id).desc()).offset((page - 1) * PAGE).limit(PAGE + 1)
        ).all()
        counts = dict(
            s.exec(
                select(WebhookDelivery.state, func.count()).group_by(col(WebhookDelivery.state))
            ).all()
        )
        hooks = s.exec(
            select(Webhook, Organization)
            .join(Organization, col(Organization.id) == Webhook.organization_id)
            .where(Webhook.active == True)  # noqa: E712
            .order_by(col(Webhook.id))
        ).all()
    return render_template(
        "console/webhooks.html",
        rows=rows[:PAGE],
        more=len(rows) > PAGE,
        counts=counts,
        hooks=hooks,
        state=state,
        page=page,
    )


@bp.get("/export")
@login_required(*STAFF_ROLES)
def exports() -> Any:
    return render_template("console/exports.html")


@bp.get("/export/<what>.csv")
@login_required(*STAFF_ROLES)
def download(what: str) -> Any:
    export = exporter.EXPORTS.get(what)
    if export is None:
        return Response("unknown export", status=404)
    rt = runtime()
    who = viewer()
    used = dialect()

    def chunks() -> Any:
        with rt.db.read() as session:
            yield from export(session, who, rt.clock.now(), used)

    stamp = rt.clock.now().strftime("%Y%m%d-%H%M")
    return csv_download(f"mailflow-{what}-{stamp}.csv", chunks(), used)
