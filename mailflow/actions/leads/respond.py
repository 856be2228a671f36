"""respond: a partner answers an offer — pick, decline, or a progress report — by whichever
way in (the signed-link dialog, an email reply, the review console, the API). One dispatch
for all of them, so a new answer or a changed default reaches every way in at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mailflow.actions.context import ActionContext
from mailflow.actions.leads.decline import decline
from mailflow.actions.leads.feedback import feedback
from mailflow.actions.leads.pick import pick
from mailflow.models import Feedback, Lead, Offer
from mailflow.models.schemas import FeedbackIn, Stage
from mailflow.rules.command import Command

Verb = Literal["pick", "decline", "feedback"]
# A reply that only says it reports progress ("update: in touch") reports the first stage.
FIRST_STAGE: Stage = "contacted"


@dataclass(frozen=True)
class Answer:
    action: Verb
    reason: str | None = None  # why the offer is declined
    report: FeedbackIn | None = None  # the progress report of "feedback"

    @classmethod
    def spoken(cls, said: Command) -> Answer:
        """The answer an interpreted reply gives; a report without a stage is
        ``FIRST_STAGE``. Raises pydantic's ``ValidationError`` for a report out of bounds."""
        if said.action != "feedback":
            return cls(said.action, reason=said.reason)
        report = FeedbackIn(
            stage=said.stage or FIRST_STAGE,
            amount=said.amount,
            currency=said.currency,
            reason=said.reason,
        )
        return cls("feedback", report=report)


@dataclass(frozen=True)
class Responded:
    offer: Offer
    lead: Lead
    report: Feedback | None = None  # the recorded report of "feedback"


def act(ctx: ActionContext, offer_id: int, contact_id: int, answer: Answer) -> Responded:
    """Run ``answer`` for the contact on the offer (each action checks the contact may)."""
    if answer.action == "pick":
        scope = pick(ctx, offer_id, contact_id).scope
        return Responded(scope.offer, scope.lead)
    if answer.action == "decline":
        scope = decline(ctx, offer_id, contact_id, answer.reason)
        return Responded(scope.offer, scope.lead)
    if answer.report is None:
        raise ValueError("a feedback answer carries its report")
    row = feedback(ctx, offer_id, contact_id, answer.report)
    offer = ctx.session.get(Offer, offer_id)
    lead = ctx.session.get(Lead, row.lead_id)
    assert offer is not None and lead is not None
    return Responded(offer, lead, row)
