"""``mailflow report due | send``: the weekly reports by hand, saying what happened.

``due`` lists who is due a report now (or says that nobody is); ``send`` queues one
contact's report and sends it at once, and tells apart "sent", "queued, the relay did not
take it yet" (the outbox retries it) and "failed" — never "sent" for an email still queued.
"""

from __future__ import annotations

import sys

from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.outbound import outbox
from mailflow.actions.partners.report import deliver_report
from mailflow.models import Contact, OutboundEmail, ReportSubscription
from mailflow.models.states import OutboundState
from mailflow.queries import reports, visibility
from mailflow.runtime import Runtime
from mailflow.settings import Settings


def due(settings: Settings) -> int:
    """One line per contact due now: id, period, email (tab-separated)."""
    rt = Runtime(settings)
    try:
        now = rt.clock.now()
        with rt.db.read() as s:
            rows = reports.due(s, now)
            emails = dict(
                s.exec(
                    select(Contact.id, Contact.email).where(
                        col(Contact.id).in_([contact_id for contact_id, _ in rows])
                    )
                ).all()
            )
    finally:
        rt.close()
    if not rows:
        print(f"nobody is due a weekly report now ({now:%Y-%m-%d %H:%M} UTC)")
        return 0
    for contact_id, period in rows:
        print(f"{contact_id}\t{period}\t{emails.get(contact_id, '')}")
    noun = "contact is" if len(rows) == 1 else "contacts are"
    print(f"{len(rows)} {noun} due a weekly report", file=sys.stderr)
    return 0


def send(settings: Settings, email: str | None, week: str | None) -> int:
    """Queue ``email``'s report for ``week`` (default: the last one) and send it now."""
    rt = Runtime(settings)
    try:
        return _send(rt, (email or "").strip().lower(), week)
    finally:
        rt.close()


def _send(rt: Runtime, email: str, week: str | None) -> int:
    now = rt.clock.now()
    with rt.db.read() as s:
        contact = s.exec(select(Contact).where(Contact.email == email)).first() if email else None
        sub = s.get(ReportSubscription, contact.id) if contact and contact.id else None
    if contact is None or contact.id is None:
        print(f"mailflow: no contact with email {email or '(none given)'}", file=sys.stderr)
        return 1
    label = week or reports.last_week(now, reports.zone(contact.timezone)).label
    try:
        reports.period_for(label, contact, now)
    except ValueError:
        print(f"mailflow: {label!r} is not an ISO week such as 2026-W47", file=sys.stderr)
        return 2
    refusal = _refusal(contact, sub, label)
    if refusal is not None:
        print(f"not sent: {email} {refusal}", file=sys.stderr)
        return 1
    with unit(rt, "cli", "cli") as ctx:
        queued = deliver_report(ctx, contact.id, label)
        ids = list(ctx.outbox_ids)
    if not queued:  # another process claimed this week in the meantime
        print(f"not sent: the report {label} for {email} was sent already", file=sys.stderr)
        return 1
    outbox.dispatch(rt, ids)
    return _say_outcome(rt, ids, email, label)


def _refusal(contact: Contact, sub: ReportSubscription | None, label: str) -> str | None:
    if contact.role not in visibility.REPORT_ROLES:
        return f"has no reporting role (role: {contact.role})"
    if sub is not None and sub.opted_out:
        return "has opted out of the weekly report"
    if sub is not None and sub.last_period == label:
        return f"got the report {label} already"
    return None


def _say_outcome(rt: Runtime, ids: list[int], email: str, label: str) -> int:
    with rt.db.read() as s:
        rows = s.exec(select(OutboundEmail).where(col(OutboundEmail.id).in_(ids))).all()
    if rows and all(row.state == OutboundState.SENT for row in rows):
        print(f"report {label} sent to {email}")
        return 0
    problem = next((row for row in rows if row.state != OutboundState.SENT), None)
    error = problem.last_error if problem is not None and problem.last_error else "unknown"
    if problem is not None and problem.state == OutboundState.QUEUED:
        print(
            f"report {label} for {email} queued but NOT sent yet: {error}; "
            "the worker retries it (mailflow worker / the scheduler's outbox sweep)",
            file=sys.stderr,
        )
        return 3
    print(f"report {label} for {email} NOT sent: {error}", file=sys.stderr)
    return 1
