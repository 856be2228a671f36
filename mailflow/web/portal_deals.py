"""Deal registration on "My leads": ``/a/<portal token>/deals`` — a short form, the
partner's registrations and where each stands, and its contact's own forwarding address
(``deals+<key>@``). GET shows; the form POSTs to the one register action."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, make_response, render_template, request

from mailflow import i18n
from mailflow.actions import unit
from mailflow.actions.deals.register import register
from mailflow.actions.errors import ActionError
from mailflow.links.claims import LinkClaim
from mailflow.models import Contact, DealRegistration, Organization
from mailflow.queries.deals import registrations
from mailflow.web import dealform
from mailflow.web.context import runtime
from mailflow.web.errors import invalid_link
from mailflow.web.security import read_link, refuse_cross_site

bp = Blueprint("portal_deals", __name__)


def _contact(token: str) -> Contact:
    claim = read_link(LinkClaim, token)
    if claim.action != "portal":
        abort(invalid_link())
    with runtime().db.read() as s:
        contact = s.get(Contact, claim.contact_id)
    if contact is None:
        abort(invalid_link())
    return contact


def _page(token: str, contact: Contact, status: int = 200, **context: Any) -> Any:
    rt = runtime()
    with rt.db.read() as s:
        org = s.get(Organization, contact.organization_id)
        mine = registrations(s, organization_id=contact.organization_id, limit=50)
    assert contact.id is not None and org is not None
    address = f"deals+{rt.signer.deal_key(contact.id)}@{rt.settings.inbound_domain}"
    context.setdefault("form", dealform.typed({}))
    page = render_template("dialogs/portal_deals.html", lang=i18n.normalize(contact.language),
                           token=token, contact=contact, organization=org, mine=mine,
                           address=address, fields=dealform.FIELDS,
                           currencies=dealform.CURRENCIES, **context)  # fmt: skip
    return make_response(page, status)


@bp.get("/a/<token>/deals")
def show(token: str) -> Any:
    return _page(token, _contact(token))


@bp.post("/a/<token>/deals")
def submit(token: str) -> Any:
    contact = _contact(token)
    refuse_cross_site()
    data, problems = dealform.read(request.form)
    if data is None:
        return _page(token, contact, 422, problems=problems, form=dealform.typed(request.form))
    try:
        with unit(runtime(), f"contact:{contact.id}", "web") as ctx:
            deal: DealRegistration = register(ctx, contact.organization_id, contact.id, data)
            done = deal.id
    except ActionError as exc:
        return _page(token, contact, exc.http_status, error=exc.said or exc.text,
                     form=dealform.typed(request.form))  # fmt: skip
    return _page(token, contact, done=done)
