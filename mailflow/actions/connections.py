"""The state of the mail connections: each round of a mailbox and each email sent records
its success or its error on the connection's row. A change of state — working again,
failing, or failing differently — is an audited event; a round like the one before only
moves the timestamps. Recording never raises: mail goes on without it."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.audit import record
from mailflow.mail.providers import connection_label
from mailflow.models import MailConnection

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
OUTBOUND_EVERY_S = 60  # a success of the outbound connection is written at most this often


@dataclass(frozen=True)
class _Round:
    """What one round of a connection (or one email sent through it) found."""

    name: str
    direction: str
    kind: str
    error: str | None = None
    auth: bool = False
    waiting: int = 0
    position: str | None = None


def record_success(
    rt: Runtime,
    name: str,
    direction: str,
    kind: str,
    waiting: int = 0,
    position: str | None = None,
) -> None:
    """A round went through; ``position``, when given, is where the next one goes on (kept
    across restarts: the caller passes it only once everything before it was stored)."""
    _record(rt, _Round(name, direction, kind, waiting=waiting, position=position))


def record_failure(
    rt: Runtime, name: str, direction: str, kind: str, error: str, auth: bool, waiting: int = 0
) -> None:
    _record(rt, _Round(name, direction, kind, error[:500], auth, waiting))


# per runtime (one a process, several in tests): connection name → last success written
_last_sent: weakref.WeakKeyDictionary[Runtime, dict[str, float]] = weakref.WeakKeyDictionary()
_sent_lock = threading.Lock()


def record_sending(rt: Runtime, error: str | None = None, auth: bool = False) -> None:
    """An email went out (or did not) through ``MAILFLOW_SMTP_URL``. Successes are written
    at most once a minute per process (the outbox sends thousands), every failure is."""
    url = rt.smtp_url
    if url == "capture":
        return
    name = connection_label(url)
    kind = url.partition(":")[0].removesuffix("s") if url.startswith("smtp") else url[:5]
    if error is not None:
        with _sent_lock:
            _last_sent.setdefault(rt, {}).pop(name, None)
        record_failure(rt, name, "outbound", kind, error, auth)
        return
    now = time.monotonic()
    with _sent_lock:
        sent = _last_sent.setdefault(rt, {})
        if now - sent.get(name, -OUTBOUND_EVERY_S) < OUTBOUND_EVERY_S:
            return
        sent[name] = now
    record_success(rt, name, "outbound", kind)


def _record(rt: Runtime, found: _Round) -> None:
    try:
        _write(rt, found)
    except IntegrityError:  # two processes created the row at once: the other one won
        _write(rt, found)
    except Exception:
        log.exception("could not record the state of the mail connection %s", found.name)


def _write(rt: Runtime, found: _Round) -> None:
    name, error, auth = found.name, found.error, found.auth
    with unit(rt, "system", "job") as ctx:
        row = ctx.session.exec(select(MailConnection).where(MailConnection.name == name)).first()
        if row is None:
            row = MailConnection(
                name=name, direction=found.direction, kind=found.kind, updated_at=ctx.now
            )
            ctx.session.add(row)
        was_failing = row.last_error is not None
        if error is None:
            if was_failing:
                record(ctx, "mail_connection.working", connection=name)
            row.last_success_at, row.last_error, row.auth_failed = ctx.now, None, False
            row.alerted_at = None  # a new trouble is told again
        else:
            if error != row.last_error:
                record(ctx, "mail_connection.failing", connection=name, error=error, auth=auth)
            row.last_error, row.last_error_at, row.auth_failed = error, ctx.now, auth
        row.waiting, row.updated_at = found.waiting, ctx.now
        if found.position is not None:
            row.position = found.position
