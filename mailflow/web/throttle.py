"""Rate limits on the signed-link routes (per link and per client address), on failed
console logins and on password-reset requests (per account and per client address).

A link is a credential; guessing one is hopeless, but a flood against the dialogs (or a
mail scanner gone wild) must not take the app down. Beyond the limit: 429 + Retry-After
and a friendly page. The buckets are :mod:`mailflow.web.ratelimit`'s token buckets (shared
through Redis when it is configured). The client address is ``request.remote_addr``:
behind ``MAILFLOW_TRUSTED_PROXIES`` proxies the app factory takes it from their
X-Forwarded-For, otherwise that header is ignored.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask, current_app, make_response, render_template, request

from mailflow.i18n import N_
from mailflow.web.context import runtime
from mailflow.web.logredact import TOKEN_PREFIXES
from mailflow.web.ratelimit import Limiter, make_limiter


def _limiters(
    name: str, per_key: int, per_ip: int, key_period: float = 60.0
) -> tuple[Limiter, Limiter]:
    """A limiter per key (``per_key`` a ``key_period``) and one per client address
    (``per_ip`` a minute), made once per app (in Redis under ``name`` when configured)."""
    found = current_app.extensions.get(f"mailflow.limits.{name}")
    if found is None:
        settings = runtime().settings
        prefix = f"{settings.redis_prefix}{name}:"
        found = (
            make_limiter(settings.redis_url, per_key, prefix + "k:", key_period),
            make_limiter(settings.redis_url, per_ip, prefix + "ip:"),
        )
        current_app.extensions[f"mailflow.limits.{name}"] = found
    return found


def _hashed(secret: str) -> str:
    """A secret never becomes a key itself: only a hash of it (keys may be logged by Redis)."""
    return hashlib.sha256(secret.encode()).hexdigest()[:32]


def _link_key(path: str) -> str:
    """The token right after the route's prefix (not the second path segment: that is
    ``unsubscribe`` for every ``/reports/unsubscribe/<token>``, one bucket for all)."""
    prefix = next(p for p in TOKEN_PREFIXES if path.startswith(p))
    return _hashed(path[len(prefix) :].split("/", 1)[0])


def too_many(retry_after: int) -> Any:
    page = render_template(
        "message.html", lang="en", tone="error", title=N_("Too many requests"),
        text=N_("Please wait a moment and try again."),
    )  # fmt: skip
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(max(1, retry_after))
    return response


def _check() -> Any:
    path = request.path
    if not path.startswith(TOKEN_PREFIXES):
        return None
    settings = runtime().settings
    per_link, per_ip = _limiters(
        "tl", settings.token_rate_per_minute, settings.token_rate_per_ip_per_minute
    )
    for limiter, key in ((per_ip, request.remote_addr or "?"), (per_link, _link_key(path))):
        verdict = limiter.hit(key)
        if not verdict.allowed:
            return too_many(verdict.retry_after)
    return None


def _login_buckets(account: str) -> list[tuple[Limiter, str]]:
    settings = runtime().settings
    per_account, per_ip = _limiters(
        "ll", settings.login_failures_per_minute, settings.login_failures_per_ip_per_minute
    )
    return [(per_ip, request.remote_addr or "?"), (per_account, _hashed(account))]


def login_refused(account: str) -> Any:
    """429 while the account or the client address has used up its failed attempts:
    guessing passwords costs a minute per few tries, the right password included."""
    for limiter, key in _login_buckets(account):
        verdict = limiter.peek(key)
        if not verdict.allowed:
            return too_many(verdict.retry_after)
    return None


def login_failed(account: str) -> None:
    for limiter, key in _login_buckets(account):
        limiter.hit(key)


def reset_refused(account: str) -> Any:
    """429 once the account (``reset_requests_per_hour``) or the client address has asked
    for too many reset emails. A budget of its own: it never blocks a login, so a flood
    of anonymous requests cannot lock the owner out."""
    settings = runtime().settings
    per_account, per_ip = _limiters(
        "rr", settings.reset_requests_per_hour, settings.login_failures_per_ip_per_minute, 3600
    )
    for limiter, key in ((per_ip, request.remote_addr or "?"), (per_account, _hashed(account))):
        verdict = limiter.hit(key)
        if not verdict.allowed:
            return too_many(verdict.retry_after)
    return None


def install(app: Flask) -> None:
    app.before_request(_check)
