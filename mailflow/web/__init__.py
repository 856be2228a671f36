"""The Flask application: dialogs (signed links), JSON API, local mail viewer."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Flask, Response, g
from werkzeug.middleware.proxy_fix import ProxyFix

from mailflow import i18n
from mailflow.logredact import RedactingFilter
from mailflow.mail.compile import money
from mailflow.runtime import Runtime

log = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; manifest-src 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"


def create_app(rt: Runtime, *, devmail: Any = None) -> Flask:
    """``devmail`` is the local mail capture whose messages ``/dev/mail`` shows (demo only)."""
    from mailflow.web import api, apispec, bounded, console, dialogs, errors, inbound_hook
    from mailflow.web.console.auth import csrf_token

    app = Flask(__name__)
    bounded.install(app)  # numbers in URLs, queries and forms fit our Integer columns
    https = rt.settings.base_url.startswith("https://")
    app.config.update(
        SECRET_KEY=rt.settings.secret_keys[-1],
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=https,
        SESSION_COOKIE_NAME="mailflow_console",
        # the cookie's signature expires with the session's lifetime (Flask's default:
        # 31 days); the console checks the lifetime and idle time itself too (auth.py)
        PERMANENT_SESSION_LIFETIME=timedelta(hours=rt.settings.console_session_hours),
    )
    _trust_proxies(app, rt.settings.trusted_proxies)
    app.extensions["mailflow"] = rt
    app.logger.addFilter(RedactingFilter())  # "Exception on /a/<token> [POST]"
    i18n.install(app.jinja_env)
    app.jinja_env.filters["money"] = money
    app.jinja_env.globals["feedback_token"] = lambda view: rt.signer.link_token(
        view.offer.id, view.contact.id, "feedback"
    )
    app.register_blueprint(dialogs.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(console.auth_bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(inbound_hook.bp)
    app.register_blueprint(console.review_bp)
    app.jinja_env.globals["csrf_token"] = csrf_token
    # Other console pages add (label, endpoint) here to appear in the console's navigation.
    console_nav: list[tuple[str, str]] = [("Review queue", "console_review.index")]
    app.jinja_env.globals["console_nav"] = console_nav
    # qualification dialog, matching console pages, matching API
    from mailflow.web import qualify_dialog
    from mailflow.web.console import matching as console_matching

    app.register_blueprint(qualify_dialog.bp)
    app.register_blueprint(console_matching.bp)
    console_nav.append(("Qualification", "console_matching.queue"))
    # escalation dialogs and the failed-jobs page
    from mailflow.web import escalation
    from mailflow.web.console import jobs as console_jobs

    app.register_blueprint(escalation.bp)
    app.register_blueprint(console_jobs.bp)
    from mailflow.web import away  # inbound trust: confirming a longer away period

    app.register_blueprint(away.bp)
    console_nav.append(("Failed jobs", "console_jobs.failed_jobs"))
    # password reset, dashboard with exports and points, report opt-out
    from mailflow.web import reports as report_views
    from mailflow.web.console import dashboard, reset

    app.register_blueprint(reset.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(report_views.bp)
    app.register_blueprint(report_views.legacy)
    console_nav += [
        ("Dashboard", "console_dashboard.dashboard"),
        ("Points", "console_dashboard.points"),
    ]
    # template console
    from mailflow.web.console import templates_views

    app.register_blueprint(templates_views.bp)
    console_nav.append(("Templates", "console_templates.index"))
    errors.register(app)
    from mailflow.web import throttle

    throttle.install(app)
    # the partner's web app (manifest, icons) and console pages for webhooks, exports
    from mailflow.web import console_direct, portal_app

    app.register_blueprint(console_direct.bp)
    app.register_blueprint(portal_app.bp)
    console_nav += console_direct.NAV
    from mailflow.web.console import email_change  # one's own email, confirmed from the old one

    app.register_blueprint(email_change.bp)
    console_nav.append(email_change.NAV)
    if devmail is not None:
        from mailflow.web import devmail as devmail_views

        app.extensions["devmail"] = devmail
        app.register_blueprint(devmail_views.bp)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("X-Frame-Options", "DENY")
        if getattr(g, "token_route", False):
            response.headers["Cache-Control"] = "no-store"
        if https:
            response.headers["Strict-Transport-Security"] = HSTS
        return response

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    apispec.check_routes(app)  # every /api/ route has a scope and is documented
    return app


def _trust_proxies(app: Flask, proxies: int) -> None:
    """Behind ``proxies`` reverse proxies, the client's address, scheme and host come from
    their X-Forwarded-* headers (each proxy appends one entry; the last ``proxies`` are
    theirs). Without proxies the headers are ignored: a client could write anything
    there, and every per-address rate limit reads ``request.remote_addr``."""
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )


def runtime() -> Runtime:
    from flask import current_app

    rt: Runtime = current_app.extensions["mailflow"]
    return rt
