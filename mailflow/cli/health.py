"""``mailflow health KIND``: a probe for systemd or an orchestrator, one line, exit 0 when
ready. Every kind runs the start-up checks (settings, keys, database migrated, Redis);
then ``web`` asks the server's ``/readyz``, ``smtp`` wants the server's 220 greeting and
an answer to NOOP, ``worker`` and ``scheduler`` want the oldest due email and stored reply
to have waited less than ``MAILFLOW_READY_MAX_LAG_S`` (work that does not move means the
worker or the scheduler feeding it is not doing its job)."""

from __future__ import annotations

import smtplib
import sys

import requests

from mailflow import preflight
from mailflow.clock import Clock
from mailflow.db import Database
from mailflow.queries.lag import waiting_s
from mailflow.settings import Settings

KINDS = ("web", "worker", "scheduler", "smtp")
TIMEOUT_S = 5.0


def probe(settings: Settings, kind: str, url: str | None, host: str, port: int) -> int:
    failed = preflight.errors(preflight.run(settings))
    if failed:
        return _answer(kind, f"{failed[0].name}: {failed[0].detail}")
    if kind == "web":
        return _answer(kind, _web(url or settings.base_url))
    if kind == "smtp":
        return _answer(kind, _smtp(host, port))
    return _answer(kind, _lag(settings))


def _answer(kind: str, problem: str | None) -> int:
    if problem:
        print(f"mailflow health {kind}: {problem}", file=sys.stderr)
        return 1
    print(f"mailflow health {kind}: ok")
    return 0


def _web(base: str) -> str | None:
    try:
        answer = requests.get(f"{base.rstrip('/')}/readyz", timeout=TIMEOUT_S)
    except requests.RequestException as exc:
        return f"{base}/readyz does not answer ({type(exc).__name__})"
    if answer.status_code != 200:
        return f"{base}/readyz answered {answer.status_code}: {answer.text.strip()[:300]}"
    return None


def _smtp(host: str, port: int) -> str | None:
    try:
        with smtplib.SMTP(host, port, timeout=TIMEOUT_S) as conn:
            code, _ = conn.noop()
    except (OSError, smtplib.SMTPException) as exc:
        return f"no SMTP server answers at {host}:{port} ({exc})"
    return None if code == 250 else f"{host}:{port} answered NOOP with {code}"


def _lag(settings: Settings) -> str | None:
    db = Database(settings.database_url)
    try:
        with db.read() as session:
            lag = waiting_s(session, Clock().now())
    finally:
        db.dispose()
    late = {name: s for name, s in lag.items() if s > settings.ready_max_lag_s}
    if late:
        waits = ", ".join(f"the oldest {name} item waits {s:.0f} s" for name, s in late.items())
        return f"{waits} (more than MAILFLOW_READY_MAX_LAG_S={settings.ready_max_lag_s})"
    return None
