"""What an operator watches, read from the database: the figures behind ``/metrics``.

Every figure is a count or an age computed at the time of asking, so any web process
answers the same and no process has to keep a tally between scrapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, func, select

from mailflow.models import FailedJob, InboundEmail, Lead, Offer, OutboundEmail
from mailflow.models.integration import WebhookDelivery
from mailflow.models.states import DeliveryState, InboundState, OfferState, OutboundState

UNSENT = (OutboundState.QUEUED, OutboundState.SENDING)


@dataclass(frozen=True)
class OpsSnapshot:
    leads_by_state: dict[str, int] = field(default_factory=dict)
    open_offers: int = 0
    oldest_open_offer_s: float = 0.0
    outbox_unsent: int = 0
    oldest_unsent_s: float = 0.0
    outbox_failed: int = 0
    inbound_by_state: dict[str, int] = field(default_factory=dict)
    oldest_waiting_inbound_s: float = 0.0
    failed_jobs_by_actor: dict[str, int] = field(default_factory=dict)
    # webhook id → deliveries given up on, and those waiting for a retry after a failure
    webhook_failed: dict[int, int] = field(default_factory=dict)
    webhook_retrying: dict[int, int] = field(default_factory=dict)


def _age(now: datetime, then: datetime | None) -> float:
    if then is None:
        return 0.0
    if then.tzinfo is None and now.tzinfo is not None:
        now = now.replace(tzinfo=None)
    return max(0.0, (now - then).total_seconds())


def snapshot(session: Session, now: datetime) -> OpsSnapshot:
    leads = dict(session.exec(select(Lead.state, func.count()).group_by(Lead.state)).all())
    offers, oldest_offer = session.exec(
        select(func.count(), func.min(Offer.offered_at)).where(Offer.state == OfferState.OPEN)
    ).one()
    unsent, oldest_unsent = session.exec(
        select(func.count(), func.min(OutboundEmail.created_at)).where(
            col(OutboundEmail.state).in_(UNSENT)
        )
    ).one()
    failed_mail = session.exec(
        select(func.count()).where(OutboundEmail.state == OutboundState.FAILED)
    ).one()
    inbound = dict(
        session.exec(select(InboundEmail.state, func.count()).group_by(InboundEmail.state)).all()
    )
    oldest_inbound = session.exec(
        select(func.min(InboundEmail.received_at)).where(
            InboundEmail.state == InboundState.RECEIVED
        )
    ).one()
    jobs = dict(session.exec(select(FailedJob.actor, func.count()).group_by(FailedJob.actor)).all())
    failed_hooks = dict(
        session.exec(
            select(WebhookDelivery.webhook_id, func.count())
            .where(WebhookDelivery.state == DeliveryState.FAILED)
            .group_by(col(WebhookDelivery.webhook_id))
        ).all()
    )
    retrying = dict(
        session.exec(
            select(WebhookDelivery.webhook_id, func.count())
            .where(
                WebhookDelivery.state == DeliveryState.PENDING, col(WebhookDelivery.attempts) > 0
            )
            .group_by(col(WebhookDelivery.webhook_id))
        ).all()
    )
    return OpsSnapshot(
        leads_by_state={str(k): int(v) for k, v in leads.items()},
        open_offers=int(offers),
        oldest_open_offer_s=_age(now, oldest_offer),
        outbox_unsent=int(unsent),
        oldest_unsent_s=_age(now, oldest_unsent),
        outbox_failed=int(failed_mail),
        inbound_by_state={str(k): int(v) for k, v in inbound.items()},
        oldest_waiting_inbound_s=_age(now, oldest_inbound),
        failed_jobs_by_actor={str(k): int(v) for k, v in jobs.items()},
        webhook_failed={int(k): int(v) for k, v in failed_hooks.items()},
        webhook_retrying={int(k): int(v) for k, v in retrying.items()},
    )
