"""Console: email templates. List, edit with a live preview (desktop and phone width),
versions with a diff and rollback, and a test email to yourself.

The preview is a POST whose answer loads into a sandboxed iframe and carries its own
CSP (inline styles, images from http(s) only: an email's needs, nothing else); the
editor page allows only our own script, which submits the preview forms as you type.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from mailflow import i18n
from mailflow.actions import unit
from mailflow.actions.console.templates import InvalidTemplate, activate_template, save_template
from mailflow.actions.errors import NotFound
from mailflow.i18n import N_
from mailflow.mail import kinds, templates
from mailflow.mail.compile import (
    HTML_ENV,
    Source,
    TemplateError,
    compile_source,
    layout,
    validate,
)
from mailflow.mail.render import render_compiled
from mailflow.queries.visibility import STAFF_ROLES
from mailflow.web.console.auth import current_user, login_required
from mailflow.web.console.locale import gettext
from mailflow.web.console.template_pages import (
    RAW_EDITORS,
    actor,
    editor_response,
    known_kind,
    may_edit_raw,
    preview_response,
    rendered_preview,
    sample_context,
)
from mailflow.web.console.testmail import send_test
from mailflow.web.context import runtime

bp = Blueprint("console_templates", __name__, url_prefix="/console/templates")
EDITORS = RAW_EDITORS


@bp.get("/")
@login_required()
def index() -> Any:
    with runtime().db.read() as s:
        active = templates.active_versions(s)
    user = current_user()
    return render_template(
        "console/templates/list.html",
        kinds=sorted(kinds.KINDS),
        active=active,
        may_reword=user is not None and user.role in STAFF_ROLES,
    )


def _editor(
    kind: str,
    source: Source,
    errors: list[str] | None = None,
    status: int = 200,
    problem: str = N_("Not saved"),
) -> Any:
    with runtime().db.read() as s:
        versions = templates.versions(s, kind)
    page = render_template(
        "console/templates/edit.html",
        kind=kind,
        source=source,
        versions=versions,
        variables=sorted(kinds.KINDS[kind] | kinds.COMMON),
        filters=sorted(HTML_ENV.filters),
        errors=errors or [],
        problem=problem,
        may_edit=may_edit_raw(),
        may_reword=(user := current_user()) is not None and user.role in STAFF_ROLES,
    )
    return editor_response(page, status)


@bp.get("/<kind>")
@login_required()
def edit(kind: str) -> Any:
    known_kind(kind)
    with runtime().db.read() as s:
        version = request.args.get("version", type=int)
        if version is None:
            version = runtime().renderer.active_version(kind)
        try:
            source = templates.load_source(s, kind, version)
        except TemplateError:
            abort(404)
    return _editor(kind, source)


def _posted(kind: str) -> Source:
    form = request.form
    return Source(
        kind, -1, form.get("subject", ""), form.get("body_text", ""), form.get("body_mjml", "")
    )


@bp.post("/<kind>")
@login_required(*EDITORS)
def save(kind: str) -> Any:
    source = _posted(known_kind(kind))
    rt = runtime()
    try:
        with unit(rt, actor(), "console") as ctx:
            row = save_template(ctx, kind, source.subject, source.body_text, source.body_mjml)
    except InvalidTemplate as exc:
        return _editor(kind, source, exc.errors, status=422)
    rt.renderer.invalidate()
    flash(gettext("Saved and activated version %(version)s.", version=row.version))
    return redirect(url_for("console_templates.edit", kind=kind))


@bp.post("/<kind>/activate")
@login_required(*EDITORS)
def activate(kind: str) -> Any:
    version = request.form.get("version", type=int)
    rt = runtime()
    try:
        with unit(rt, actor(), "console") as ctx:
            activate_template(ctx, known_kind(kind), version if version is not None else -1)
    except NotFound:
        abort(404)
    except InvalidTemplate as exc:  # a version saved before today's rules refuse it
        with rt.db.read() as s:
            source = templates.load_source(s, kind, version or 0)
        return _editor(kind, source, exc.errors, status=422, problem=N_("Not activated"))
    rt.renderer.invalidate()
    flash(gettext("Version %(version)s is active now.", version=version))
    return redirect(url_for("console_templates.edit", kind=kind))


@bp.get("/<kind>/diff")
@login_required(*EDITORS)
def diff(kind: str) -> Any:
    known_kind(kind)
    old_v, new_v = request.args.get("a", 0, type=int), request.args.get("b", 0, type=int)
    with runtime().db.read() as s:
        try:
            old, new = templates.load_source(s, kind, old_v), templates.load_source(s, kind, new_v)
        except TemplateError:
            abort(404)
    return render_template(
        "console/templates/diff.html",
        kind=kind,
        a=old_v,
        b=new_v,
        lines=templates.diff(old, new).splitlines(),
    )


@bp.route("/<kind>/preview", methods=["GET", "POST"])
@login_required(*EDITORS)
def preview(kind: str) -> Any:
    """The email as HTML (or its text part with ``part=text``), filled with sample data:
    a posted draft, or a saved ``version``."""
    known_kind(kind)
    lang = i18n.normalize(request.values.get("lang"))
    if request.method == "POST":
        source = _posted(kind)
    else:
        with runtime().db.read() as s:
            try:
                source = templates.load_source(s, kind, request.args.get("version", 0, type=int))
            except TemplateError:
                abort(404)
    return preview_response(*_preview_body(source, lang))


def _preview_body(source: Source, lang: str) -> tuple[str, int]:
    """The page and its status: 422 for what validation refuses, 400 for what the
    sandbox refuses while rendering."""
    errors = validate(source, layout())
    if errors:
        return render_template("console/templates/invalid.html", errors=errors), 422
    context = sample_context(source.kind, lang)
    return rendered_preview(
        lambda: render_compiled(compile_source(source, layout()), context, source),
        (TemplateError,),
    )


@bp.post("/<kind>/test")
@login_required(*EDITORS)
def test_email(kind: str) -> Any:
    """Send the draft in the form, filled with sample data, to the logged-in user."""
    source = _posted(known_kind(kind))
    errors = validate(source, layout())
    if errors:
        return _editor(kind, source, errors, status=422, problem=N_("No test email sent"))
    user = current_user()
    assert user is not None
    posted = request.form.get("lang")
    lang = posted if posted in i18n.LANGUAGES else i18n.normalize(user.language)
    try:
        message = send_test(runtime(), source, sample_context(kind, lang), user)
    except TemplateError as exc:  # the sandbox refused something at render time
        return _editor(kind, source, [str(exc)], status=400, problem=N_("No test email sent"))
    flash(message)
    return _editor(kind, source)
