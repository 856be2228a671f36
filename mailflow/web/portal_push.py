"""Notifications of the partner's installed app (Web Push): the service worker, and the
subscribe and unsubscribe calls its page makes, authenticated by the page's own signed
"my leads" link, like the page itself.

The calls take the browser's ``PushSubscription.toJSON()`` (``endpoint``, ``keys``:
``p256dh``, ``auth``) and answer JSON: 201 subscribed, 200 unsubscribed, 422 with what was
wrong, 403 for a deactivated partner or a cross-site post, 404 for a link that is not a
"my leads" link.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request, send_from_directory

from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.partners import push
from mailflow.links.claims import LinkClaim
from mailflow.models import Contact, Organization
from mailflow.push import keys
from mailflow.push.send import Browser
from mailflow.web.context import runtime
from mailflow.web.errors import invalid_link, problem
from mailflow.web.security import read_link, refuse_cross_site

bp = Blueprint("portal_push", __name__)
# The page may run its own script, register the worker and call back here; nothing else.
PORTAL_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; manifest-src 'self'; script-src 'self'; "
    "connect-src 'self'; worker-src 'self'"
)


@bp.app_template_global("push_key")
def push_key() -> str | None:
    """The public VAPID key the page subscribes with; None while there is no key (the page
    then offers no notifications)."""
    private = keys.usable_private_key(runtime().settings)
    return _public_key(private) if private else None


@functools.lru_cache(maxsize=4)
def _public_key(private: str) -> str:
    return keys.public_key(private)


@bp.get("/portal/sw.js")
def service_worker() -> Response:
    """Outside ``/a/``: one script for every partner, not a signed link (its scope,
    ``/portal/``, matters not: it only shows notifications and opens their links)."""
    assert current_app.static_folder is not None
    answer = send_from_directory(current_app.static_folder, "portal-sw.js", max_age=0)
    answer.headers["Cache-Control"] = "no-cache"
    return answer


@bp.post("/a/<token>/push/subscribe")
def subscribe(token: str) -> Any:
    contact_id = _contact(token)
    data = request.get_json(silent=True)
    browser = _browser(data if isinstance(data, dict) else {})
    if browser is None:
        return problem(422, "Unprocessable", "expected endpoint and keys.p256dh, keys.auth")
    try:
        with unit(runtime(), f"contact:{contact_id}", "web") as ctx:
            push.subscribe(ctx, contact_id, browser)
    except ActionError as exc:
        return problem(exc.http_status, "Refused", str(exc))
    return jsonify({"subscribed": True}), 201


@bp.post("/a/<token>/push/unsubscribe")
def unsubscribe(token: str) -> Any:
    contact_id = _contact(token)
    data = request.get_json(silent=True)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str) or not endpoint:
        return problem(422, "Unprocessable", "expected endpoint")
    with unit(runtime(), f"contact:{contact_id}", "web") as ctx:
        found = push.unsubscribe(ctx, contact_id, endpoint)
    return jsonify({"subscribed": False, "found": found}), 200


def _contact(token: str) -> int:
    """The contact of a "my leads" link whose partner is active; else the call ends."""
    claim = read_link(LinkClaim, token)
    refuse_cross_site()
    if claim.action != "portal":
        abort(invalid_link())
    with runtime().db.read() as s:
        contact = s.get(Contact, claim.contact_id)
        org = s.get(Organization, contact.organization_id) if contact else None
    if contact is None or org is None:
        abort(invalid_link())
    if not org.active:
        abort(problem(403, "Forbidden", "this partner account is not active"))
    return claim.contact_id


def _browser(data: dict[str, Any]) -> Browser | None:
    """The subscription the browser sent, when it has every part as text."""
    found = data.get("keys")
    found = found if isinstance(found, dict) else {}
    endpoint, p256dh, auth = data.get("endpoint"), found.get("p256dh"), found.get("auth")
    if not all(isinstance(v, str) and v for v in (endpoint, p256dh, auth)):
        return None
    return Browser(str(endpoint), str(p256dh), str(auth))
