"""The mail connections as the console shows them: each one's state, and how many
messages wait on it (our emails queued for sending; replies seen but not yet stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from mailflow.i18n import N_
from mailflow.models import MailConnection, OutboundEmail
from mailflow.models.states import OutboundState

STALE = timedelta(minutes=15)  # a mailbox not read this long is a trouble
# what each kind of trouble means, and what to do about it (the page and the alert email)
PROBLEMS = {
    "auth": N_(
        "The provider refused our sign-in: check the client secret, the admin consent "
        "or the delegation."
    ),
    "unreachable": N_("The server could not be reached. The next round tries again."),
    "throttled": N_("The provider asked us to slow down. The next round tries again."),
    "store": N_("Messages could not be saved in our database. They stay in the mailbox."),
    "refused": N_("The server refused a request. The details are below."),
    "stale": N_("Not read for more than 15 minutes."),
}


@dataclass(frozen=True)
class ConnectionView:
    row: MailConnection
    waiting: int
    stale: bool  # an inbound mailbox not read successfully for STALE
    problem: str | None  # what kind of trouble: auth, unreachable, throttled, store, refused


def connections(session: Session, now: datetime) -> list[ConnectionView]:
    rows = session.exec(
        select(MailConnection).order_by(col(MailConnection.direction), col(MailConnection.name))
    ).all()
    queued = session.exec(
        select(func.count()).where(col(OutboundEmail.state) == OutboundState.QUEUED)
    ).one()
    return [
        ConnectionView(
            row,
            int(queued) if row.direction == "outbound" else row.waiting,
            is_stale(row, now),
            problem(row),
        )
        for row in rows
    ]


def position(session: Session, name: str) -> str | None:
    """Where reading the mailbox ``name`` goes on (see :class:`MailConnection`)."""
    return session.exec(select(MailConnection.position).where(MailConnection.name == name)).first()


def is_stale(row: MailConnection, now: datetime) -> bool:
    if row.direction != "inbound":
        return False
    since = row.last_success_at or row.updated_at
    return since is not None and now - _aware(since, now) > STALE


def problem(row: MailConnection) -> str | None:
    """The last error sorted into a few kinds a person can act on."""
    error = (row.last_error or "").lower()
    if not error:
        return None
    if row.auth_failed:
        return "auth"
    if any(w in error for w in ("unreachable", "resolve", "refused the connection", "in time")):
        return "unreachable"
    if "wait" in error or " 429" in error:
        return "throttled"
    if "store" in error:
        return "store"
    return "refused"


def _aware(value: datetime, now: datetime) -> datetime:
    """SQLite hands back naive datetimes: read them in ``now``'s zone (UTC)."""
    return value.replace(tzinfo=now.tzinfo) if value.tzinfo is None and now.tzinfo else value


def to_alert(session: Session, now: datetime) -> list[ConnectionView]:
    """The connections whose trouble the admins were not told of yet: a refused sign-in,
    or a mailbox not read for :data:`STALE`."""
    return [
        c
        for c in connections(session, now)
        if c.row.alerted_at is None and (c.row.auth_failed or c.stale)
    ]
