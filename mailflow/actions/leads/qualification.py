"""qualification: the campaign's gate, the agency's check, and the console's override.

A lead that fails the gate stays ``new`` with a note of what is missing (the console's
qualification queue lists it). A campaign with an agency sends each lead that passes to
the agency's contacts first; their signed-link dialog approves (possibly filling in
what was missing) or rejects it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions._input import amount, checked_texts
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError
from mailflow.actions.outbound import outbox
from mailflow.i18n import N_
from mailflow.mail import messages
from mailflow.models import Campaign, Contact, Lead, Organization
from mailflow.models.states import LeadState
from mailflow.queries.matching_input import campaign_for
from mailflow.rules import lifecycle
from mailflow.rules.qualify import Criteria, Qualification, check, has_legal_basis

AGENCY_NOTE = "waiting for the agency's check"
EDITABLE = ("customer_phone", "customer_company", "product_line", "value", "requirement")


class NotQualifiable(ActionError):
    http_status = 409


NO_LEGAL_BASIS = N_(
    "This lead's campaign requires a legal basis: record the customer's consent or the "
    "legitimate interest first."
)


def require_legal_basis(ctx: ActionContext, lead: Lead) -> None:
    """Refuse to send a waiting lead out by hand while its campaign requires a legal basis
    it lacks: no override passes a customer's data on without one."""
    campaign = campaign_for(ctx.session, lead)
    values = {k: getattr(lead, k) for k in Lead.model_fields}
    if campaign is not None and campaign.requires_legal_basis and not has_legal_basis(values):
        raise NotQualifiable("the campaign requires a legal basis", said=NO_LEGAL_BASIS)


def criteria_for(ctx: ActionContext, campaign: Campaign | None) -> Criteria:
    if campaign is None:
        return Criteria(required_fields=tuple(ctx.settings.required_lead_fields))
    return Criteria(
        required_fields=tuple(campaign.required_fields or ctx.settings.required_lead_fields),
        allowed_countries=tuple(c.upper() for c in campaign.allowed_countries),
        min_value=campaign.min_value,
        rules=tuple(campaign.rules),
        requires_legal_basis=campaign.requires_legal_basis,
    )


def evaluate(ctx: ActionContext, lead: Lead) -> Qualification:
    return evaluate_for(ctx, lead, campaign_for(ctx.session, lead))


def evaluate_for(ctx: ActionContext, lead: Lead, campaign: Campaign | None) -> Qualification:
    """The campaign's criteria (the default ones without a campaign) on the lead, its
    company data too."""
    values: dict[str, Any] = {k: getattr(lead, k) for k in Lead.model_fields}
    values.update({f"company_{k}": v for k, v in (lead.company_data or {}).items()})
    return check(values, criteria_for(ctx, campaign))


@dataclass(frozen=True)
class Verdict:
    """What the gate decides for a new lead: waiting (``result`` says why), the agency's
    check first (``agency_id``), or qualified."""

    result: Qualification
    agency_id: int | None = None


def judge(ctx: ActionContext, lead: Lead, campaign: Campaign | None) -> Verdict:
    result = evaluate_for(ctx, lead, campaign)
    agency = campaign.agency_id if campaign is not None and result.qualified else None
    return Verdict(result, agency)


def settle(lead: Lead, verdict: Verdict, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """Set the new lead's state and note by the verdict; the audit events to record, as
    (kind, fields) pairs (the batch import records them for many leads at once)."""
    result = verdict.result
    if not result.qualified:
        lead.qualify_note = result.reason
        return [("lead.unqualified", {"missing": list(result.missing),
                                      "problems": list(result.problems)})]  # fmt: skip
    if verdict.agency_id is not None:
        lead.qualify_note = AGENCY_NOTE
        return [("lead.qualification_requested", {"organization_id": verdict.agency_id})]
    return [_to_qualified(lead, now, how="rules")]


def gate(ctx: ActionContext, lead: Lead) -> None:
    """Qualify ``lead`` (state ``new``), hand it to the campaign's agency, or leave it
    waiting with the reason."""
    verdict = judge(ctx, lead, campaign_for(ctx.session, lead))
    for kind, fields in settle(lead, verdict, ctx.now):
        audit.record(ctx, kind, lead_id=lead.id, **fields)
    after_gate(ctx, lead, verdict)


def after_gate(ctx: ActionContext, lead: Lead, verdict: Verdict) -> None:
    """Once the lead is stored: the agency is asked, or a qualified lead is distributed."""
    if verdict.agency_id is not None:
        _ask_agency(ctx, lead, verdict.agency_id)
    elif verdict.result.qualified:
        ctx.later("distribute", lead.id)


def _to_qualified(
    lead: Lead, now: datetime, *, how: str, note: str | None = None
) -> tuple[str, dict[str, Any]]:
    previous = lead.state
    lead.state = lifecycle.lead_to(previous, LeadState.QUALIFIED)
    lead.qualify_note, lead.updated_at = None, now
    return "lead.qualified", {"from_state": previous, "to_state": LeadState.QUALIFIED,
                              "by": how, "note": note}  # fmt: skip


def _qualify(ctx: ActionContext, lead: Lead, *, how: str, note: str | None = None) -> None:
    kind, fields = _to_qualified(lead, ctx.now, how=how, note=note)
    audit.record(ctx, kind, lead_id=lead.id, **fields)
    ctx.later("distribute", lead.id)


def _ask_agency(ctx: ActionContext, lead: Lead, agency_id: int) -> None:
    """Mail the agency's contacts the signed link of their check."""
    assert lead.id is not None
    contacts = ctx.session.exec(
        select(Contact)
        .join(Organization, Organization.id == Contact.organization_id)  # type: ignore[arg-type]
        .where(Contact.organization_id == agency_id, Organization.kind == "agency")
        .where(Contact.undeliverable == False)  # noqa: E712
    ).all()
    for contact in contacts:
        context = messages.qualify_request(ctx.rt, lead, contact)
        outbox.queue(ctx, "qualify_request", contact, context, lead_id=lead.id)


def agency_decides(
    ctx: ActionContext,
    lead_id: int,
    contact_id: int,
    *,
    approve: bool,
    note: str | None = None,
    fields: dict[str, str] | None = None,
) -> Lead:
    """The agency's answer. Filled-in fields are stored first; an approval still has to
    pass the campaign's criteria (with the agency step done)."""
    checked_texts(note=note, **(fields or {}))
    lead = ctx.session.exec(select(Lead).where(Lead.id == lead_id).with_for_update()).first()
    contact = ctx.session.get(Contact, contact_id)
    if lead is None or contact is None:
        raise NotQualifiable("this lead no longer exists")
    campaign = campaign_for(ctx.session, lead)
    if campaign is None or campaign.agency_id != contact.organization_id:
        raise NotQualifiable("this lead is not yours to check")
    if lead.state != LeadState.NEW:
        raise NotQualifiable(f"this lead was already handled (it is {lead.state})")
    _apply_fields(ctx, lead, fields or {})
    if not approve:
        lead.state = lifecycle.lead_to(lead.state, LeadState.REJECTED)
        lead.qualify_note, lead.updated_at = note or "rejected", ctx.now
        audit.record(
            ctx,
            "lead.rejected",
            lead_id=lead.id,
            from_state=LeadState.NEW,
            to_state=LeadState.REJECTED,
            note=note,
            organization_id=contact.organization_id,
        )
        return lead
    result = evaluate(ctx, lead)
    if not result.qualified:
        lead.qualify_note = result.reason
        raise NotQualifiable(f"still not qualified — {result.reason}")
    _qualify(ctx, lead, how=f"agency:{contact.organization_id}", note=note)
    return lead


def approve(ctx: ActionContext, lead_id: int, note: str | None = None) -> Lead:
    """A partner manager qualifies a waiting lead by hand (the queue's override)."""
    lead = ctx.session.exec(select(Lead).where(Lead.id == lead_id).with_for_update()).first()
    if lead is None:
        raise NotQualifiable("no such lead")
    if lead.state not in lifecycle.lead_sources(LeadState.QUALIFIED):
        raise NotQualifiable(f"the lead is {lead.state}, not waiting")
    require_legal_basis(ctx, lead)
    _qualify(ctx, lead, how="manual", note=note or lead.qualify_note)
    return lead


def _apply_fields(ctx: ActionContext, lead: Lead, fields: dict[str, str]) -> None:
    changed = []
    for name, raw in fields.items():
        value = (raw or "").strip()
        if name not in EDITABLE or not value:
            continue
        if name == "value":
            setattr(lead, name, amount(value, "value"))
        else:
            setattr(lead, name, value[:200] if name != "requirement" else value[:10_000])
        changed.append(name)
    if changed:
        lead.updated_at = ctx.now
        audit.record(ctx, "lead.completed", lead_id=lead.id, fields=changed)
