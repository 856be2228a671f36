"""The processing queue: which picked leads of a partner are overdue for feedback.

Read-side queries; the rule itself (how many is too many) lives in :mod:`mailflow.rules.followup`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, func, select

from mailflow.models import Lead, Offer, Organization
from mailflow.models.states import OfferState
from mailflow.rules import followup, privacy
from mailflow.rules.lifecycle import CLOSED_STAGES, OPEN_STAGES


@dataclass(frozen=True)
class Overdue:
    lead: Lead
    offer_id: int  # the picked offer: its links carry the one-click status buttons


def _overdue(organization_id: int, now: datetime) -> tuple[Any, ...]:
    return (
        Lead.owner_id == organization_id,
        col(Lead.state).in_(OPEN_STAGES),
        col(Lead.feedback_due_at) <= now,
        Offer.organization_id == organization_id,
        Offer.state == OfferState.PICKED,
    )


def overdue_leads(session: Session, organization_id: int, now: datetime) -> list[Overdue]:
    rows = session.exec(
        select(Lead, Offer.id)
        .join(Offer, col(Offer.lead_id) == Lead.id)
        .where(*_overdue(organization_id, now))
        .order_by(col(Lead.feedback_due_at))
    ).all()
    return [Overdue(lead, offer_id) for lead, offer_id in rows if offer_id is not None]


# Built once: every pick runs it, and a statement built per call costs more than the query.
_OVERDUE_COUNT = (
    select(func.count())
    .select_from(Lead)
    .join(Offer, col(Offer.lead_id) == Lead.id)
    .where(*_overdue(bindparam("organization_id"), bindparam("now")))  # type: ignore[arg-type]
)


def overdue_count(session: Session, organization_id: int, now: datetime) -> int:
    """How many; for the pick's check, which needs the leads only when it refuses."""
    params = {"organization_id": organization_id, "now": now}
    return int(session.scalar(_OVERDUE_COUNT, params) or 0)


def gate(
    session: Session, settings: Any, organization: Organization, now: datetime
) -> tuple[followup.Gate, list[Overdue]]:
    assert organization.id is not None
    overdue = overdue_leads(session, organization.id, now)
    return followup.Gate(len(overdue), limit_of(settings, organization)), overdue


def limit_of(settings: Any, organization: Organization) -> int:
    return followup.queue_limit(organization.level, settings.queue_limits, settings.queue_limit)


def status_buttons(rt: Any, item: Overdue, contact_id: int) -> dict[str, Any]:
    """One row of an overdue list: the lead and a link per next stage (the dialog confirms)."""
    base = rt.link(item.offer_id, contact_id, "feedback")
    start = OPEN_STAGES.index(item.lead.state)
    stages = [s for s in OPEN_STAGES if OPEN_STAGES.index(s) > start]
    return {
        "lead": privacy.details(item.lead),
        "state": item.lead.state,
        "buttons": [(s, f"{base}?stage={s}") for s in (*stages, *CLOSED_STAGES)],
    }
