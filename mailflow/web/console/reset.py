"""Console password reset: ask for a link by email, then set a new password with it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from mailflow.actions import unit
from mailflow.actions.console.password import (
    check_reset_token,
    request_password_reset,
    reset_password,
)
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError, InvalidInput
from mailflow.i18n import N_
from mailflow.web import throttle
from mailflow.web.console.auth import check_csrf
from mailflow.web.context import runtime

# What the password rules refuse, by a word of their (English) reason: shown translated.
PASSWORD_PROBLEMS = (
    ("passwords differ", N_("The two passwords differ.")),
    ("only spaces", N_("A password cannot be only spaces.")),
    ("different characters", N_("A password needs at least 5 different characters.")),
    ("characters", N_("A password needs at least 10 characters.")),
    ("common", N_("This password is one of the most common ones: choose another.")),
    ("email address", N_("A password must not contain your email address or your name.")),
)
bp = Blueprint("console_reset", __name__, url_prefix="/console/reset")
SENT = N_("If this address has a console login, we sent it a link to choose a new password.")


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
        return render_template("console/reset.html", sent=SENT)
    return render_template("console/reset.html")


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
            return render_template("console/reset_done.html")
        with runtime().db.read() as s:
            check_reset_token(
                ActionContext(s, runtime(), "anonymous", "console", runtime().clock.now()), token
            )
    except InvalidInput as exc:
        error = _password_problem(str(exc))
    except ActionError as exc:
        return render_template("console/reset_invalid.html", reason=str(exc)), 410
    status = 422 if error else 200
    return render_template("console/reset_choose.html", error=error), status


def _password_problem(reason: str) -> str:
    for word, text in PASSWORD_PROBLEMS:
        if word in reason:
            return text
    return N_("Please check your input.")
