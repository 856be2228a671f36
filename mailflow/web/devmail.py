"""``/dev/mail``: every email the embedded mode sent, as the partner sees it."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import Blueprint, abort, current_app, jsonify, render_template

from mailflow.mail.capture import MailCapture
from mailflow.web.context import runtime
from mailflow.web.language import visitor_language

bp = Blueprint("devmail", __name__, url_prefix="/dev/mail")


def _box() -> MailCapture:
    box: MailCapture = current_app.extensions["devmail"]
    return box


def _page(template: str, **context: Any) -> str:
    """A capture page in the visitor's language, times in the installation's time zone."""
    lang = visitor_language()
    zone = ZoneInfo(runtime().settings.timezone)

    def when(value: datetime) -> str:
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return format_datetime(aware, "medium", tzinfo=zone, locale=lang)

    return render_template(template, lang=lang, when=when, **context)


@bp.get("/api/messages")
def messages_json() -> Any:
    return jsonify([m.as_json() for m in _box().messages()])


@bp.get("/")
@bp.get("")
def index() -> Any:
    groups: dict[str, list[Any]] = defaultdict(list)
    for mail in reversed(_box().messages()):
        groups[", ".join(mail.to)].append(mail)
    return _page("devmail.html", groups=sorted(groups.items()))


@bp.get("/<int:mail_id>")
def show(mail_id: int) -> Any:
    mail = _box().get(mail_id)
    if mail is None:
        abort(404)
    return _page("devmail_message.html", mail=mail)


@bp.get("/<int:mail_id>/html")
def html(mail_id: int) -> Any:
    mail = _box().get(mail_id)
    if mail is None:
        abort(404)
    # The email itself, unframed and clickable; no scripts, only its own inline styles.
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; frame-ancestors 'self'"
    return (
        mail.part("html"),
        200,
        {
            "Content-Security-Policy": csp,
            "X-Frame-Options": "SAMEORIGIN",
            "Content-Type": "text/html; charset=utf-8",
        },
    )
