"""A console user's own email address: ask for the change (logged in, with the current
password), then confirm it with the link sent to the OLD address.

The confirmation link is a signed token route like the password reset: rate-limited and
kept out of the logs through ``mailflow.web.logredact.TOKEN_PREFIXES``; GET only shows what
the link would change, the button POSTs.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request
from sqlmodel import Session

from mailflow.actions import unit
from mailflow.actions.console.email_change import (
    EMAIL_CHANGE_MAX_AGE_S,
    check_email_change,
    check_new_address,
    confirm_email_change,
    request_email_change,
)
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError, InvalidInput
from mailflow.i18n import N_
from mailflow.models import Contact
from mailflow.rules.passwords import verify_password
from mailflow.web import throttle
from mailflow.web.console.auth import check_csrf, current_user, login_required
from mailflow.web.console.locale import gettext, refusal
from mailflow.web.context import runtime

bp = Blueprint("console_email", __name__, url_prefix="/console/email")
NAV = (N_("Your email"), "console_email.ask")
HOURS = EMAIL_CHANGE_MAX_AGE_S // 3600
# What the action refuses, by words of its (English) reason: shown in the reader's words.
PROBLEMS = (
    ("expired", N_("This link expired: it works for one day.")),
    ("not a valid email address", N_("This is not a valid email address.")),
    ("not valid", N_("This link is not valid.")),
    ("used already", N_("This link was used already, or the address changed since it was sent.")),
    ("already the address of this account", N_("This is already the address of this account.")),
    ("already used by another contact", N_("This address is already used by another contact.")),
)


@bp.route("", methods=["GET", "POST"])
@login_required()
def ask() -> Any:
    user = current_user()
    assert user is not None and user.id is not None
    if request.method == "GET":
        return _ask_page(user)
    refused = _password_refused(user)
    if refused is not None:
        return refused
    new = request.form.get("email", "")
    try:
        with runtime().db.read() as s:
            check_new_address(_reading(s), user.id, new)
        # each request sends an email: the budget of the password reset, a key of its own
        refused = throttle.reset_refused(f"email-change:{user.id}")
        if refused is not None:
            return refused
        with unit(runtime(), f"console:{user.id}", "console") as ctx:
            change = request_email_change(ctx, user.id, new)
    except InvalidInput as exc:
        return _ask_page(user, _problem(exc), 422)
    return render_template("console/email_change.html", user=user,
                           sent_to=change.old, new=change.new, hours=HOURS)  # fmt: skip


def _password_refused(user: Contact) -> Any:
    """A wrong password counts as a failed login (a copied session cookie cannot guess
    it): 422 with the form, and 429 once the account's failed logins are spent."""
    refused = throttle.login_refused(user.email)
    if refused is not None:
        return refused
    if verify_password(user.password_hash, request.form.get("password", "")):
        return None
    throttle.login_failed(user.email)
    return _ask_page(user, N_("Your password is not right."), 422)


def _ask_page(user: Contact, error: str | None = None, status: int = 200) -> Any:
    page = render_template("console/email_change.html", user=user, error=error)
    return page, status


@bp.route("/<token>", methods=["GET", "POST"])
def confirm(token: str) -> Any:
    g.token_route = True  # no-store: the page names both addresses
    try:
        if request.method == "POST":
            check_csrf()
            with unit(runtime(), "anonymous", "console") as ctx:
                change = confirm_email_change(ctx, token)
            return render_template("console/email_done.html", new=change.new)
        with runtime().db.read() as s:
            change = check_email_change(_reading(s), token)
            name = change.contact.name
    except ActionError as exc:  # forged 404, expired or used 410, address taken since 422
        return _invalid(_problem(exc), exc.http_status)
    return render_template("console/email_confirm.html", name=name,
                           old=change.old, new=change.new)  # fmt: skip


def _reading(session: Session) -> ActionContext:
    """A context for the checks that only read (the page a GET shows)."""
    rt = runtime()
    return ActionContext(session, rt, "anonymous", "console", rt.clock.now())


def _invalid(reason: str, status: int) -> Any:
    page = render_template("console/email_invalid.html", reason=reason)
    return page, status


def _problem(exc: ActionError) -> str:
    reason = str(exc)
    for words, text in PROBLEMS:
        if words in reason:
            return gettext(text)
    return refusal(exc)
