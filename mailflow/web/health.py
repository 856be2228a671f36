"""``/healthz``: liveness (the process answers; it checks nothing else, so a load balancer
never restarts a web process for a database outage). ``/readyz``: readiness: the database
answers and is migrated to the code's revision, Redis (when configured) answers, and the
oldest waiting work (an email due in the outbox, a stored reply) has waited less than
``MAILFLOW_READY_MAX_LAG_S``; 503 otherwise."""

from __future__ import annotations

import functools
import logging
from typing import Any

import redis
from flask import Blueprint

from mailflow.db import migrate
from mailflow.queries.lag import waiting_s
from mailflow.runtime import Runtime
from mailflow.web.context import runtime

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)
TIMEOUT_S = 2.0
READY = ("ok", "not configured")


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> Any:
    rt = runtime()
    checks: dict[str, Any] = {**_database(rt), "redis": _redis(rt)}
    ready = all(v in READY for k, v in checks.items() if k != "lag_s")
    return checks, 200 if ready else 503


@functools.cache
def _head() -> str | None:
    return migrate.head()


def _database(rt: Runtime) -> dict[str, Any]:
    """The database answers, its revision, and how long the oldest waiting work waited."""
    try:
        with rt.db.read() as session:
            revision = migrate.revision_of(session.connection())
            lag = waiting_s(session, rt.clock.now()) if revision == _head() else None
    except Exception as exc:  # any failure to answer is "not ready"
        log.warning("readyz: the database does not answer (%s)", type(exc).__name__)
        return {"database": "unreachable"}
    if lag is None:
        log.warning("readyz: the database is at revision %s, not %s", revision, _head())
        return {"database": "ok", "migrations": f"at {revision}, the code needs {_head()}"}
    slow = max(lag.values()) > rt.settings.ready_max_lag_s
    return {
        "database": "ok",
        "migrations": "ok",
        "queue": "lagging" if slow else "ok",
        "lag_s": lag,
    }


def _redis(rt: Runtime) -> str:
    url = rt.settings.redis_url
    if not url:
        return "not configured"
    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_S, socket_timeout=TIMEOUT_S)
    try:
        client.ping()
    except redis.RedisError as exc:
        log.warning("readyz: Redis does not answer (%s)", type(exc).__name__)
        return "unreachable"
    finally:
        client.close()
    return "ok"
