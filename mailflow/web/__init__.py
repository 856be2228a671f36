"""The Flask application: dialogs (signed links), JSON API, console, local mail viewer."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Flask, Response, g, redirect, request, send_from_directory, url_for

from mailflow import i18n, logs
from mailflow.i18n import N_
from mailflow.links.claims import LinkClaim, ProfileClaim
from mailflow.mail import kinds, labels
from mailflow.runtime import Runtime
from mailflow.web import (
    api,
    apispec,
    away,
    bounded,
    choice,
    console,
    console_direct,
    deal_review,
    deals,
    demo_start,
    dialogs,
    errors,
    escalation,
    health,
    inbound_hook,
    join,
    metrics,
    portal_app,
    portal_deals,
    portal_push,
    profile,
    qualify_dialog,
    territory,
    throttle,
)
from mailflow.web import devmail as devmail_views
from mailflow.web import reports as report_views
from mailflow.web.console import brand as console_brand
from mailflow.web.console import connections as console_connections
from mailflow.web.console import (
    dashboard,
    email_change,
    lead_actions,
    reset,
    templates_views,
    wording_views,
)
from mailflow.web.console import deals as console_deals
from mailflow.web.console import invitations as console_invitations
from mailflow.web.console import jobs as console_jobs
from mailflow.web.console import locale as console_locale
from mailflow.web.console import matching as console_matching
from mailflow.web.console import territory_requests as console_territory
from mailflow.web.console.auth import csrf_token
from mailflow.web.logredact import RedactingFilter
from mailflow.web.proxies import TrustedProxyFix

__all__ = ["create_app"]

log = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; manifest-src 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"

BLUEPRINTS = [
    health.bp,  # /healthz (liveness), /readyz (database and Redis)
    dialogs.bp,  # signed-link dialogs
    api.bp,
    console.auth_bp,
    console.bp,
    inbound_hook.bp,
    console.review_bp,
    qualify_dialog.bp,
    console_matching.bp,
    escalation.bp,
    console_jobs.bp,
    away.bp,  # confirming a longer away period
    profile.bp,  # a partner keeps its own profile
    join.bp,  # an invited partner joins; an active one accepts new terms
    territory.bp,  # a partner manager decides a partner's wider regions
    choice.bp,  # the choices of a "did you mean …?" email
    deals.bp,  # a partner's deal registration: confirm what a forwarded email was read as
    deal_review.bp,  # the partner manager's one-click decision on a deal registration
    reset.bp,  # password reset
    dashboard.bp,  # dashboard with exports and points
    report_views.bp,  # report opt-out
    report_views.legacy,
    templates_views.bp,
    wording_views.bp,  # the wording of each email per language, for ops
    console_direct.bp,  # webhooks, exports
    portal_app.bp,  # the partner's web app: manifest, icons
    portal_push.bp,  # its notifications: the service worker, subscribe and unsubscribe
    portal_deals.bp,  # deal registration on "My leads"
    email_change.bp,  # one's own email, confirmed from the old one
    lead_actions.bp,  # withdraw, edit, note, reassign from the lead page
    console_brand.bp,  # how the manufacturer's emails look, with a preview
    console_connections.bp,  # mailboxes and the way out: state and errors (staff)
    console_deals.bp,  # partners' deal registrations: conflicts, approve or reject
    console_territory.bp,  # partners' requests for wider regions: approve or reject
    console_invitations.bp,  # partners invited and where each stands; invite one
]
# the console's navigation: (label, endpoint)
CONSOLE_NAV: list[tuple[str, str]] = [
    (N_("Review queue"), "console_review.index"),
    (N_("Qualification"), "console_matching.queue"),
    console_deals.NAV,
    console_territory.NAV,
    console_invitations.NAV,
    (N_("Failed jobs"), "console_jobs.failed_jobs"),
    console_connections.NAV,
    (N_("Dashboard"), "console_dashboard.dashboard"),
    (N_("Points"), "console_dashboard.points"),
    (N_("Templates"), "console_templates.index"),
    console_brand.NAV,
    *console_direct.NAV,
    email_change.NAV,
]


def create_app(
    rt: Runtime, *, devmail: Any = None, demo_login: tuple[str, str] | None = None
) -> Flask:
    """``devmail`` is the local mail capture whose messages ``/dev/mail`` shows, with the
    demo's start page at ``/`` naming ``demo_login`` (email, password) for the console
    (demo only)."""
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
    _trust_proxies(app, rt.settings.trusted_proxies, rt.settings.proxy_addresses)
    app.extensions["mailflow"] = rt
    app.logger.addFilter(RedactingFilter())  # "Exception on /a/<token> [POST]"
    i18n.install(app.jinja_env)
    console_locale.install(app)
    app.jinja_env.globals["feedback_token"] = lambda view: rt.signer.sign(
        LinkClaim(view.offer.id, view.contact.id, "feedback")
    )
    app.jinja_env.globals["portal_token"] = lambda view: rt.signer.sign(
        LinkClaim(view.offer.id, view.contact.id, "portal")
    )
    app.jinja_env.globals["profile_path"] = lambda contact_id: rt.signer.path(
        ProfileClaim(contact_id)
    )
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.filters["label"] = labels.label_filter
    app.jinja_env.filters["source"] = labels.source_filter
    app.jinja_env.filters["qualification"] = labels.qualification_filter
    app.jinja_env.filters["inbound_channel"] = labels.inbound_channel_filter
    app.jinja_env.filters["why"] = labels.why_filter
    app.jinja_env.filters["note"] = labels.note_filter
    app.jinja_env.filters["reading_note"] = labels.reading_note_filter
    # the name after a page's own in its title: the brand of the page's organization
    app.jinja_env.globals["brand_name"] = lambda organization_id=None: str(
        rt.brand(organization_id)["name"] or "mailflow"
    )
    app.jinja_env.globals["console_nav"] = CONSOLE_NAV
    # an email kind's name, a catalog message (translated where it is shown)
    app.jinja_env.globals["email_name"] = lambda kind: kinds.NAMES.get(kind, kind)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    errors.register(app)
    throttle.install(app)
    metrics.install(app, rt)  # /metrics (Prometheus)
    _request_ids(app)
    if devmail is not None:
        app.extensions["devmail"] = devmail
        if demo_login is not None:
            app.config["DEMO_LOGIN"] = {"email": demo_login[0], "password": demo_login[1]}
        app.register_blueprint(devmail_views.bp)
        app.register_blueprint(demo_start.bp)  # the demo's start page at /

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

    @app.get("/favicon.svg")
    def favicon_svg() -> Response:
        assert app.static_folder is not None
        answer = send_from_directory(app.static_folder, "icons/icon.svg", max_age=86400)
        answer.mimetype = "image/svg+xml"
        return answer

    @app.get("/favicon.ico")  # what a browser asks for by itself, e.g. for a JSON page
    def favicon_ico() -> Any:
        return redirect(url_for("favicon_svg"), code=301)

    apispec.check_routes(app)  # every /api/ route has a scope and is documented
    return app


def _request_ids(app: Flask) -> None:
    """Each request's id (the proxy's X-Request-ID when well-formed) is on its log lines,
    on the jobs it enqueues and in the answer's X-Request-ID."""

    @app.before_request
    def _bind() -> None:
        g.request_id = logs.new_request_id(request.headers.get("X-Request-ID"))
        g.request_id_token = logs.bind(g.request_id)

    @app.after_request
    def _answer(response: Response) -> Response:
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response

    @app.teardown_request
    def _unbind(_exc: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            logs.unbind(token)


def _trust_proxies(app: Flask, proxies: int, addresses: tuple[str, ...]) -> None:
    """Behind ``proxies`` reverse proxies connecting from ``addresses``, the client's
    address, scheme and host come from their X-Forwarded-* headers (:mod:`.proxies`).
    Without proxies the headers are ignored: a client could write anything there, and
    every per-address rate limit reads ``request.remote_addr``."""
    if proxies:
        app.wsgi_app = TrustedProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, proxies, addresses
        )
