"""Console password reset: ask for a link by email, then set a new password with it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from mailflow.actions import unit
from mailflow.actions.errors import ActionError, InvalidInput
from mailflow.actions.password import check_reset_token, request_password_reset, reset_password
from mailflow.web import runtime, throttle
from mailflow.web.console.auth import check_csrf

bp = Blueprint("console_reset", __name__, url_prefix="/console/reset")
SENT = "If this address has a console login, we sent it a link to choose a new password."


@bp.route("", methods=["GET", "POST"])
def ask() -> Any:
    if request.method == "POST":
        check_csrf()
        email = request.form.get("email", "").strip().lower()
        # each request sends an email: a budget per account and address of its own
        refused = throttle.reset_refused(email)
        if refused is not None:
            return refused
        with unit(runtime(), "anonymous", "console") as ctx:
            request_password_reset(ctx, request.form.get("email", ""))
        return render_template("console/reset.html", lang="en", sent=SENT)
    return render_template("console/reset.html", lang="en")


@bp.route("/<token>", methods=["GET", "POST"])
def choose(token: str) -> Any:
    error = None
    try:
        if request.method == "POST":
            check_csrf()
            with unit(runtime(), "anonymous", "console") as ctx:
                if request.form.get("password") != request.form.get("password2"):
                    raise InvalidInput("the two passwords differ")
                reset_password(ctx, token, request.form.get("password", ""))
            return render_template("console/reset_done.html", lang="en")
        with runtime().db.read() as s:
            from mailflow.actions.context import ActionContext

            check_reset_token(
                ActionContext(s, runtime(), "anonymous", "console", runtime().clock.now()), token
            )
    except InvalidInput as exc:
        error = str(exc)
    except ActionError as exc:
        return render_template("console/reset_invalid.html", lang="en", reason=str(exc)), 410
    status = 422 if error else 200
    return render_template("console/reset_choose.html", lang="en", error=error), status
