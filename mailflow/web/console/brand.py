"""Console: the manufacturer's Brand (name, sender name, logo, colours, footer, imprint)
with a preview of an offer email wearing the draft, at desktop and phone width.

The preview is a POST of the form into sandboxed iframes (no script needed): the draft is
rendered, never saved, and answers with the templates editor's preview CSP."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from sqlmodel import select

from mailflow import i18n
from mailflow.actions import unit
from mailflow.actions.console.brand import BrandInput, problems, save_brand
from mailflow.actions.errors import InvalidInput
from mailflow.mail import branding, kinds
from mailflow.models import Brand, Contact, Organization
from mailflow.queries.visibility import STAFF_ROLES
from mailflow.web.console.auth import current_user, login_required
from mailflow.web.console.locale import gettext, language
from mailflow.web.console.template_pages import PREVIEW_CSP, editor_response
from mailflow.web.context import runtime

bp = Blueprint("console_brand", __name__, url_prefix="/console/brand")
NAV = (i18n.N_("Brand"), "console_brand.edit")
PREVIEW_KINDS = ("offer", "details", "weekly_report")


def _manufacturer_id(user: Contact) -> int:
    """The manufacturer the user works for: its organization or the first above it."""
    with runtime().db.read() as s:
        org = s.get(Organization, user.organization_id)
        seen: set[int] = set()
        while org is not None and org.kind != "manufacturer" and org.id not in seen:
            seen.add(org.id or 0)
            org = s.get(Organization, org.parent_id) if org.parent_id else None
    if org is None or org.id is None or org.kind != "manufacturer":
        abort(403)
    return org.id


def _current(organization_id: int) -> BrandInput:
    with runtime().db.read() as s:
        row = s.exec(select(Brand).where(Brand.organization_id == organization_id)).first()
    if row is None:
        default = branding.default_brand(runtime().settings)
        return BrandInput(name=default["name"], sender_name=default["sender_name"])
    return BrandInput(
        row.name, row.sender_name, row.logo_url, row.color, row.background, row.footer, row.imprint
    )


def _posted() -> BrandInput:
    form = request.form
    return BrandInput(
        name=form.get("name", ""),
        sender_name=form.get("sender_name") or None,
        logo_url=form.get("logo_url") or None,
        color=form.get("color", "").strip(),
        background=form.get("background", "").strip(),
        footer=form.get("footer") or None,
        imprint=form.get("imprint") or None,
    )


def _page(brand: BrandInput, errors: list[str] | None = None, status: int = 200) -> Response:
    page = render_template(
        "console/brand.html",
        brand=brand,
        errors=errors or [],
        kinds=PREVIEW_KINDS,
    )
    return editor_response(page, status)


@bp.get("/")
@login_required(*STAFF_ROLES)
def edit() -> Any:
    user = current_user()
    assert user is not None
    return _page(_current(_manufacturer_id(user)))


@bp.post("/")
@login_required(*STAFF_ROLES)
def save() -> Any:
    user = current_user()
    assert user is not None and user.id is not None
    organization_id, data = _manufacturer_id(user), _posted()
    rt = runtime()
    try:
        with unit(rt, f"console:{user.id}", "console") as ctx:
            save_brand(ctx, organization_id, data)
    except InvalidInput as exc:
        wrong = exc.details.get("problems")
        return _page(data, list(wrong) if isinstance(wrong, list) else [str(exc)], 422)
    rt.brands.invalidate()
    flash(gettext("Saved: every email from now on wears this brand."))
    return redirect(url_for("console_brand.edit"))


@bp.route("/preview", methods=["GET", "POST"])
@login_required(*STAFF_ROLES)
def preview() -> Any:
    """An email with sample data wearing the posted draft (GET: the saved brand)."""
    user = current_user()
    assert user is not None
    organization_id = _manufacturer_id(user)
    data = _posted() if request.method == "POST" else _current(organization_id)
    kind = request.values.get("kind", "offer")
    if kind not in PREVIEW_KINDS:
        abort(404)
    lang = i18n.normalize(request.values.get("lang") or language())
    wrong = problems(data)
    if wrong:
        body = render_template("console/templates/invalid.html", errors=wrong)
        return _preview_response(body, 422)
    draft = Brand(organization_id=organization_id, updated_at=runtime().clock.now(), **vars(data))
    context = {
        **kinds.sample(kind, lang),
        "brand": branding.as_dict(draft, runtime().settings),
        "recipient_name": user.name,
    }
    out = runtime().renderer.render(kind, context)
    return _preview_response(out.text if request.values.get("part") == "text" else out.html, 200)


def _preview_response(body: str, status: int) -> Response:
    text = body.lstrip().startswith("<") is False
    response = Response(body, status=status, mimetype="text/plain" if text else "text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response
