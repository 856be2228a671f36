"""decide: the staff approve or reject a submitted deal registration (the console, or the
one-click email to the partner manager).

An approval makes the registration a lead through the one ingest and hands it to the
partner through the one assignment (:func:`mailflow.actions.leads.override.assign`), so
it is offered, picked, reported on and counted like any other lead. The partner has the
customer to itself for the campaign's exclusivity window."""

from __future__ import annotations

from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions._input import checked_texts
from mailflow.actions.context import ActionContext
from mailflow.actions.deals.notify import tell_decided
from mailflow.actions.errors import ActionError, NotFound, WrongState
from mailflow.actions.leads.ingest import ingest
from mailflow.actions.leads.override import assign
from mailflow.i18n import N_
from mailflow.models import DealRegistration, Lead
from mailflow.models.schemas import LeadIn
from mailflow.models.states import DealState
from mailflow.queries.matching_input import campaign_for
from mailflow.rules.deals import exclusivity_end, remind_at

SOURCE = "deal_registration"


class CustomerTaken(ActionError):
    """The customer's open lead is already another partner's."""

    code = "customer_taken"
    http_status = 409
    text = N_(
        "This customer's lead already belongs to another partner: reject the registration, "
        "or reassign the lead on its page first."
    )


DEFAULT_EXCLUSIVITY_DAYS = 90


def approve(ctx: ActionContext, deal_id: int, note: str | None = None) -> DealRegistration:
    """The registration becomes a lead owned by the partner, exclusive until the end of
    the campaign's window (``exclusivity_days``, 90 without a campaign). When the customer
    already has an open lead, that lead is the one: the partner's already, or given to it
    while nobody owns it; another partner's refuses the approval."""
    checked_texts(note=note)
    deal = lock_deal(ctx, deal_id, DealState.SUBMITTED)
    lead = ingest(ctx, _lead_in(deal)).lead  # or the open lead of the same customer
    assert lead.id is not None
    if lead.owner_id is None:
        assign(ctx, lead.id, deal.organization_id, registered=True)
    elif lead.owner_id != deal.organization_id:
        taken = f"lead {lead.id} belongs to partner {lead.owner_id}"
        raise CustomerTaken(taken, said=CustomerTaken.text)
    deal.lead_id, deal.state = lead.id, DealState.APPROVED
    deal.exclusive_until = exclusivity_end(ctx.now, _window(ctx, lead))
    deal.remind_at = remind_at(ctx.now, deal.exclusive_until)
    _decided(ctx, deal, note)
    audit.record(ctx, "deal.approved", organization_id=deal.organization_id, lead_id=lead.id,
                 deal_id=deal.id, from_state=DealState.SUBMITTED, to_state=DealState.APPROVED,
                 exclusive_until=deal.exclusive_until.isoformat())  # fmt: skip
    tell_decided(ctx, deal)
    return deal


def reject(ctx: ActionContext, deal_id: int, note: str | None = None) -> DealRegistration:
    checked_texts(note=note)
    deal = lock_deal(ctx, deal_id, DealState.SUBMITTED)
    deal.state = DealState.REJECTED
    _decided(ctx, deal, note)
    audit.record(ctx, "deal.rejected", organization_id=deal.organization_id, deal_id=deal.id,
                 from_state=DealState.SUBMITTED, to_state=DealState.REJECTED)  # fmt: skip
    tell_decided(ctx, deal)
    return deal


def lock_deal(ctx: ActionContext, deal_id: int, state: DealState) -> DealRegistration:
    """The registration, locked; refused unless it is in ``state`` (a second click, or
    two managers at once: one decides)."""
    deal = ctx.session.exec(
        select(DealRegistration).where(DealRegistration.id == deal_id).with_for_update()
    ).first()
    if deal is None:
        raise NotFound("no such registration", said=N_("We could not find this registration."))
    if deal.state != state:
        raise WrongState(f"the registration is {deal.state}",
                         said=N_("This registration was decided already."))  # fmt: skip
    return deal


def _decided(ctx: ActionContext, deal: DealRegistration, note: str | None) -> None:
    deal.decided_by, deal.decided_at, deal.updated_at = ctx.actor, ctx.now, ctx.now
    deal.decision_note = (note or "").strip()[:500] or None


def _window(ctx: ActionContext, lead: Lead) -> int:
    """The lead's campaign's window, else that of a campaign named ``deal_registration``
    (the source: one row sets every registration's window), else 90 days."""
    campaign = campaign_for(ctx.session, lead)
    return campaign.exclusivity_days if campaign is not None else DEFAULT_EXCLUSIVITY_DAYS


def _lead_in(deal: DealRegistration) -> LeadIn:
    fields = {name: getattr(deal, name) for name in LeadIn.model_fields if name in
              DealRegistration.model_fields and name not in ("external_id", "source")}  # fmt: skip
    fields = {k: v for k, v in fields.items() if v is not None}
    return LeadIn(**fields, source=SOURCE, remarks=deal.note)
