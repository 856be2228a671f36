"""Console login: contacts with a console role and a password; session cookie; CSRF.

Partners never log in (they act through signed links). Passwords are hashed with
werkzeug's scrypt. Every console form carries a per-session CSRF token.

The session cookie holds the contact's session generation at login, the login time and
the last request's time; every request checks all three against the row and the
settings (``console_idle_minutes``, ``console_session_hours``), so logout, a new password
or role (which bump the generation) and an idle or too old session end a copied cookie.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.console.sessions import log_out
from mailflow.i18n import N_
from mailflow.models import Contact
from mailflow.queries.visibility import CONSOLE_ROLES
from mailflow.rules.passwords import verify_password
from mailflow.web import throttle
from mailflow.web.context import runtime

F = TypeVar("F", bound=Callable[..., Any])
bp = Blueprint("console_auth", __name__, url_prefix="/console")
LOGGED_OUT = N_("You are logged out everywhere: every session of your account has ended.")


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(24)
    return str(token)


def check_csrf() -> None:
    sent = request.form.get("csrf", "") or request.headers.get("X-CSRF-Token", "")
    if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
        abort(400, description=N_("The form expired. Reload the page and try again."))


def current_user() -> Contact | None:
    if "user" not in g:
        g.user = _session_user()
    return cast(Contact | None, g.user)


def _session_user() -> Contact | None:
    """The logged-in contact; a session that is no longer valid is cleared."""
    contact_id = session.get("contact_id")
    if not contact_id:
        return None
    with runtime().db.read() as s:
        user = s.get(Contact, contact_id)
    now = int(runtime().clock.now().timestamp())
    if user is None or not _still_valid(user, now):
        session.clear()
        return None
    session["seen"] = now
    return user


def _still_valid(user: Contact, now: int) -> bool:
    settings = runtime().settings
    return (
        user.role in CONSOLE_ROLES
        and bool(user.password_hash)
        and session.get("gen") == user.session_generation
        and now - int(session.get("seen", 0)) <= settings.console_idle_minutes * 60
        and now - int(session.get("since", 0)) <= settings.console_session_hours * 3600
    )


def _start_session(user: Contact) -> None:
    now = int(runtime().clock.now().timestamp())
    session.clear()
    session.update(contact_id=user.id, gen=user.session_generation, since=now, seen=now)
    csrf_token()


def login_required(*roles: str) -> Callable[[F], F]:
    """Redirect to the login page; with ``roles``, a logged-in user without one gets 403.
    Every POST to a protected view is CSRF-checked here."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("console_auth.login", next=request.path))
            if roles and user.role not in roles:
                abort(403)
            if request.method == "POST":
                check_csrf()
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def _safe_next(target: str | None) -> str:
    """Only a local path: never an open redirect to another site. Browsers drop tabs and
    line breaks from a URL (``/<TAB>/evil`` becomes ``//evil``) and read ``\\`` as ``/``,
    so a target with either is refused too."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
    ):
        return target
    return url_for("console.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    error = None
    if request.method == "POST":
        check_csrf()
        email = request.form.get("email", "").strip().lower()
        password = request.form.get("password", "")
        refused = throttle.login_refused(email)
        if refused is not None:
            return refused
        with runtime().db.transaction() as s:
            user = s.exec(select(Contact).where(Contact.email == email)).first()
            ok = (
                user is not None
                and user.role in CONSOLE_ROLES
                and verify_password(user.password_hash, password)
            )
            if ok and user is not None:
                user.last_login_at = runtime().clock.now()
        if ok and user is not None:
            _start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        throttle.login_failed(email)
        error = N_("Email or password is not right.")
    notice = LOGGED_OUT if request.args.get("out") else None
    page = render_template("console/login.html", error=error, notice=notice)
    return page, 401 if error else 200


@bp.post("/logout")
def logout() -> Any:
    """Ends every session of the user (each device, any copy of the cookie), not only
    this browser's."""
    check_csrf()
    user = current_user()
    if user is not None and user.id is not None:
        with unit(runtime(), f"console:{user.id}", "console") as ctx:
            log_out(ctx, user.id)
    session.clear()
    return redirect(url_for("console_auth.login", out=1))
