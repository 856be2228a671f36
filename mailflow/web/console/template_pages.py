"""What the console's two email editors share: the template source page (admins) and the
wording page (ops). Which kinds exist, who acts, the editor page's and the preview's
security headers, the sample data a preview is filled with, and the preview itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, render_template, request

from mailflow.mail import kinds
from mailflow.mail.render import Rendered
from mailflow.web.console.auth import current_user
from mailflow.web.context import runtime

# The roles that may read and change a template's source (MJML, Jinja); only they may
# render a draft (preview, test email): rendering runs the author's template. Ops change
# the wording of emails on the wording page (``wording_views``).
RAW_EDITORS = frozenset({"admin"})
EDITOR_CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


def known_kind(kind: str) -> str:
    """``kind`` when it is an email kind; else the request ends with 404."""
    if kind not in kinds.KINDS:
        abort(404)
    return kind


def actor() -> str:
    """The logged-in user as an action's actor."""
    user = current_user()
    assert user is not None
    return f"console:{user.id}"


def may_edit_raw() -> bool:
    user = current_user()
    return user is not None and user.role in RAW_EDITORS


def editor_response(page: str, status: int) -> Response:
    """An editor page: our own script and styles only, never framed."""
    response = Response(page, status=status)
    response.headers["Content-Security-Policy"] = EDITOR_CSP
    response.headers["X-Frame-Options"] = "DENY"
    return response


def sample_context(kind: str, lang: str) -> dict[str, Any]:
    user = current_user()
    context = kinds.sample(kind, lang)
    context["brand"] = runtime().brand(user.organization_id if user else None)
    if user is not None:
        context["recipient_name"] = user.name
    return context


def preview_response(body: str, status: int) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response


def rendered_preview(
    render: Callable[[], Rendered], refused: tuple[type[Exception], ...]
) -> tuple[str, int]:
    """The preview page of ``render()`` and its status: its HTML (or its text part with
    ``part=text``), or 400 with what the render raised of ``refused``."""
    try:
        out = render()
    except refused as exc:
        return render_template("console/templates/invalid.html", errors=[str(exc)]), 400
    if request.values.get("part") == "text":
        return render_template("console/templates/text.html", out=out), 200
    return out.html, 200
