"""refuse_sender: a message to the deals address from someone who is not a partner's
contact registers nothing; the sender is told so, once a day at most."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.outbound import outbox
from mailflow.mail import messages
from mailflow.models import OutboundEmail

KIND = "deal_refused"


def refuse_sender(ctx: ActionContext, address: str | None, problem: str) -> bool:
    """Whether the sender was told (not when it has no address, or was told today)."""
    audit.record(ctx, "deal.refused", sender=address, problem=problem[:200])
    if not address or _told_today(ctx, address):
        return False
    outbox.queue_to_address(ctx, KIND, address, None, messages.deal_refused(ctx.rt))
    return True


def _told_today(ctx: ActionContext, address: str) -> bool:
    query = select(OutboundEmail.id).where(
        OutboundEmail.kind == KIND,
        OutboundEmail.to_addr == address,
        col(OutboundEmail.created_at) >= ctx.now - timedelta(days=1),
    )
    return ctx.session.exec(query).first() is not None
