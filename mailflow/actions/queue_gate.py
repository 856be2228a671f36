"""explain_queue: a partner whose pick was refused by the processing-queue gate (by
reply, where no page can explain it) gets an email listing its overdue leads with
one-click status buttons. Inbound reply processing calls this on ``QueueBlocked``."""

from __future__ import annotations

from mailflow import audit
from mailflow.actions._load import load_offer_scope
from mailflow.actions.context import ActionContext
from mailflow.mail import outbox
from mailflow.models import Organization
from mailflow.processing_queue import gate, status_buttons


def explain_queue(ctx: ActionContext, offer_id: int, contact_id: int) -> bool:
    """Queue the explanation; ``False`` when the partner is not blocked (anymore)."""
    scope = load_offer_scope(ctx, offer_id, contact_id)
    org = ctx.session.get(Organization, scope.offer.organization_id)
    assert org is not None
    verdict, overdue = gate(ctx.session, ctx.settings, org, ctx.now)
    if not verdict.blocked:
        return False
    outbox.queue(
        ctx,
        "pick_blocked",
        scope.contact,
        {
            "overdue": [status_buttons(ctx.rt, o, contact_id) for o in overdue],
            "limit": verdict.limit,
            "links": {"portal": ctx.rt.link(offer_id, contact_id, "portal")},
        },
        lead_id=scope.lead.id,
        offer_id=offer_id,
    )
    audit.record(
        ctx,
        "offer.pick_refused",
        lead_id=scope.lead.id,
        offer_id=offer_id,
        organization_id=org.id,
        overdue=[o.lead.id for o in overdue],
    )
    return True
