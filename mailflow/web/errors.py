"""Error pages for people and problem+json (RFC 9457) for the API."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from mailflow.i18n import N_


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def invalid_link(status: int = 404) -> Response:
    """The page for a signed link that is tampered, cut short, expired or not for this
    place: it says so, instead of a bare "Not Found"."""
    page = render_template(
        "message.html",
        lang="en",
        tone="error",
        title=N_("This link is not valid"),
        text=N_("The link may be incomplete. Please open it again from the email."),
    )
    return Response(page, status=status, mimetype="text/html")


# Routes machines call (the API, the inbound webhook): their errors are problem+json too.
MACHINE_PREFIXES = ("/api/", "/inbound/")


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        if request.path.startswith(MACHINE_PREFIXES):
            return problem(status, exc.name, exc.description)
        # console pages are in their reader's language (the console's context processor)
        lang = {} if request.path.startswith("/console") else {"lang": "en"}
        page = render_template(
            "message.html", title=exc.name, text=exc.description, tone="error", **lang
        )
        return page, status
