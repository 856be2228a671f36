"""A partner's deal registration: ``/deal/<token>`` from its emails. A draft read from a
forwarded email is corrected and confirmed here; later the page says where the
registration stands, and an approved one asks for more time before its exclusivity ends.
GET shows; the buttons POST (mail scanners open links)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, make_response, render_template, request

from mailflow import i18n
from mailflow.actions import unit
from mailflow.actions.context import ActionContext
from mailflow.actions.deals.exclusivity import request_extension
from mailflow.actions.deals.register import confirm
from mailflow.actions.errors import ActionError
from mailflow.links.claims import DealClaim
from mailflow.links.signer import PURPOSES
from mailflow.models import Contact, DealRegistration
from mailflow.web import dealform
from mailflow.web.context import runtime
from mailflow.web.errors import invalid_link
from mailflow.web.security import read_link, refuse_cross_site

bp = Blueprint("deals", __name__)
PREFIX = PURPOSES[DealClaim.PURPOSE].path


def _page(claim: DealClaim, status: int = 200, **context: Any) -> Any:
    with runtime().db.read() as s:
        deal = s.get(DealRegistration, claim.deal_id)
        contact = s.get(Contact, claim.contact_id)
    if deal is None or contact is None or contact.organization_id != deal.organization_id:
        abort(invalid_link())
    context.setdefault("form", dealform.shown(deal))
    page = render_template("dialogs/deal.html", lang=i18n.normalize(contact.language),
                           deal=deal, fields=dealform.FIELDS, currencies=dealform.CURRENCIES,
                           **context)  # fmt: skip
    return make_response(page, status)


@bp.get(f"{PREFIX}<token>")
def show(token: str) -> Any:
    return _page(read_link(DealClaim, token))


@bp.post(f"{PREFIX}<token>")
def submit(token: str) -> Any:
    """The draft's corrected fields (``do=confirm``), or a request for more time
    (``do=extend``)."""
    claim = read_link(DealClaim, token)
    refuse_cross_site()
    if request.form.get("do") == "extend":
        return _act(claim, lambda ctx: request_extension(ctx, claim.deal_id, claim.contact_id),
                    asked=True)  # fmt: skip
    data, problems = dealform.read(request.form)
    if data is None:
        return _page(claim, 422, problems=problems, form=dealform.typed(request.form))
    return _act(claim, lambda ctx: confirm(ctx, claim.deal_id, claim.contact_id, data), done=True)


def _act(claim: DealClaim, action: Callable[[ActionContext], object], **done: Any) -> Any:
    try:
        with unit(runtime(), f"contact:{claim.contact_id}", "web") as ctx:
            action(ctx)
    except ActionError as exc:
        return _page(claim, exc.http_status, error=exc.said or exc.text)
    return _page(claim, **done)
