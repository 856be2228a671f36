"""explain_queue: a partner whose pick was refused by the processing-queue gate (by
reply, where no page can explain it) gets an email listing its overdue leads with
one-click status buttons. Inbound reply processing calls this on ``QueueBlocked``."""

from __future__ import annotations

from mailflow.actions import audit
from mailflow.actions._load import load_offer_scope
from mailflow.actions.context import ActionContext
from mailflow.actions.outbound import outbox
from mailflow.mail import messages
from mailflow.models import Organization
from mailflow.queries.backlog import gate


def explain_queue(ctx: ActionContext, offer_id: int, contact_id: int) -> bool:
    """Queue the explanation; ``False`` when the partner is not blocked (anymore)."""
    scope = load_offer_scope(ctx, offer_id, contact_id)
    org = ctx.session.get(Organization, scope.offer.organization_id)
    assert org is not None
    verdict, overdue = gate(ctx.session, ctx.settings, org, ctx.now)
    if not verdict.blocked:
        return False
    context = messages.pick_blocked(ctx.rt, offer_id, contact_id, overdue, verdict.limit)
    outbox.queue(ctx, "pick_blocked", scope.contact, context,
                 lead_id=scope.lead.id, offer_id=offer_id)  # fmt: skip
    audit.record(
        ctx,
        "offer.pick_refused",
        lead_id=scope.lead.id,
        offer_id=offer_id,
        organization_id=org.id,
        overdue=[o.lead.id for o in overdue],
    )
    return True
