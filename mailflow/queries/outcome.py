"""How a closed lead ended: won or lost, the amount and currency, the reason, when.

The outcome is the lead's last won/lost report (``Feedback``) with its close time; a lead
closed without one (imported closed, or its report erased) still has the stage and the
time. An open lead has no outcome (None). The API, the CSV exports and the console read it
from here, so they agree."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict

from sqlalchemy import Subquery, func
from sqlmodel import Session, col, select

from mailflow.models import Feedback, Lead
from mailflow.rules.lifecycle import CLOSED_STAGES

# the CSV columns of an outcome, in order: outcome_<key>
FIELDS = ("stage", "amount", "currency", "reason", "at")
COLUMNS = tuple(f"outcome_{name}" for name in FIELDS)


class Outcome(TypedDict):
    stage: str
    amount: str | None
    currency: str | None
    reason: str | None
    at: datetime | None


def closing_reports() -> Subquery:
    """(lead_id, feedback_id) of each lead's last won/lost report: join it to ``Lead``."""
    return (
        select(col(Feedback.lead_id).label("lead_id"), func.max(Feedback.id).label("feedback_id"))
        .where(col(Feedback.stage).in_(CLOSED_STAGES))
        .group_by(col(Feedback.lead_id))
        .subquery("closing_report")
    )


def of(lead: Lead, report: Feedback | None) -> Outcome | None:
    """The outcome of ``lead`` given its last won/lost report (None while it is open)."""
    if lead.state not in CLOSED_STAGES:
        return None
    if report is not None and report.stage != lead.state:
        report = None
    return Outcome(
        stage=lead.state,
        amount=str(report.amount) if report is not None and report.amount is not None else None,
        currency=report.currency if report is not None else None,
        reason=report.reason if report is not None else None,
        at=lead.closed_at or (report.created_at if report is not None else None),
    )


def for_lead(session: Session, lead: Lead) -> Outcome | None:
    if lead.state not in CLOSED_STAGES:
        return None  # no query for an open lead
    report = session.exec(
        select(Feedback)
        .where(col(Feedback.lead_id) == lead.id, col(Feedback.stage).in_(CLOSED_STAGES))
        .order_by(col(Feedback.id).desc())
        .limit(1)
    ).first()
    return of(lead, report)


def for_leads(session: Session, leads: Iterable[Lead]) -> dict[int, Outcome | None]:
    """The outcome of each of ``leads`` by id, with one query for the closed ones."""
    leads = list(leads)
    closed = [lead.id for lead in leads if lead.state in CLOSED_STAGES and lead.id is not None]
    reports: dict[int, Feedback] = {}
    if closed:
        last = closing_reports()
        rows = session.exec(
            select(Feedback).join(last, col(Feedback.id) == last.c.feedback_id)
            .where(col(last.c.lead_id).in_(closed))
        ).all()  # fmt: skip
        reports = {row.lead_id: row for row in rows}
    return {lead.id: of(lead, reports.get(lead.id)) for lead in leads if lead.id is not None}


def columns(outcome: Outcome | None) -> dict[str, Any]:
    """``outcome`` as the CSV's ``outcome_*`` cells (all empty while the lead is open)."""
    if outcome is None:
        return dict.fromkeys(COLUMNS)
    cells: dict[str, Any] = {f"outcome_{name}": outcome[name] for name in FIELDS}  # type: ignore[literal-required]
    if outcome["amount"] is not None:  # a number, written in the file's dialect
        cells["outcome_amount"] = Decimal(outcome["amount"])
    return cells
