"""qualification: the campaign's gate, the agency's check, and the console's override.

A lead that fails the gate stays ``new`` with a note of what is missing (the console's
qualification queue lists it). A campaign with an agency sends each lead that passes to
the agency's contacts first; their signed-link dialog approves (possibly filling in
what was missing) or rejects it.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from mailflow import audit, leadview, lifecycle
from mailflow.actions._input import amount, checked_texts
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError
from mailflow.mail import outbox
from mailflow.matchdata import campaign_for
from mailflow.models import Campaign, Contact, Lead, Organization
from mailflow.qualify import Criteria, Qualification, check

AGENCY_NOTE = "waiting for the agency's check"
EDITABLE = ("customer_phone", "customer_company", "product_line", "value", "requirement")


class NotQualifiable(ActionError):
    http_status = 409


def criteria_for(ctx: ActionContext, campaign: Campaign | None) -> Criteria:
    if campaign is None:
        return Criteria(required_fields=tuple(ctx.settings.required_lead_fields))
    return Criteria(
        required_fields=tuple(campaign.required_fields or ctx.settings.required_lead_fields),
        allowed_countries=tuple(c.upper() for c in campaign.allowed_countries),
        min_value=campaign.min_value,
        rules=tuple(campaign.rules),
    )


def evaluate(ctx: ActionContext, lead: Lead) -> Qualification:
    values: dict[str, Any] = {k: getattr(lead, k) for k in Lead.model_fields}
    values.update({f"company_{k}": v for k, v in (lead.company_data or {}).items()})
    return check(values, criteria_for(ctx, campaign_for(ctx.session, lead)))


def gate(ctx: ActionContext, lead: Lead) -> None:
    """Qualify ``lead`` (state ``new``), hand it to the campaign's agency, or leave it
    waiting with the reason."""
    result = evaluate(ctx, lead)
    if not result.qualified:
        lead.qualify_note = result.reason
        audit.record(
            ctx,
            "lead.unqualified",
            lead_id=lead.id,
            missing=list(result.missing),
            problems=list(result.problems),
        )
        return
    campaign = campaign_for(ctx.session, lead)
    if campaign is not None and campaign.agency_id is not None:
        _ask_agency(ctx, lead, campaign.agency_id)
        return
    _qualify(ctx, lead, how="rules")


def _qualify(ctx: ActionContext, lead: Lead, *, how: str, note: str | None = None) -> None:
    previous = lead.state
    lifecycle.check_lead(previous, "qualified")
    lead.state, lead.qualify_note, lead.updated_at = "qualified", None, ctx.now
    audit.record(
        ctx,
        "lead.qualified",
        lead_id=lead.id,
        from_state=previous,
        to_state="qualified",
        by=how,
        note=note,
    )
    ctx.later("distribute", lead.id)


def _ask_agency(ctx: ActionContext, lead: Lead, agency_id: int) -> None:
    assert lead.id is not None
    contacts = ctx.session.exec(
        select(Contact)
        .join(Organization, Organization.id == Contact.organization_id)  # type: ignore[arg-type]
        .where(Contact.organization_id == agency_id, Organization.kind == "agency")
        .where(Contact.undeliverable == False)  # noqa: E712
    ).all()
    lead.qualify_note = AGENCY_NOTE
    audit.record(ctx, "lead.qualification_requested", lead_id=lead.id, organization_id=agency_id)
    for contact in contacts:
        assert contact.id is not None
        link = ctx.rt.link(lead.id, contact.id, "qualify").replace("/a/", "/q/", 1)
        context = {"lead": leadview.details(lead), "links": {"qualify": link}}
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
    if lead.state != "new":
        raise NotQualifiable(f"this lead was already handled (it is {lead.state})")
    _apply_fields(ctx, lead, fields or {})
    if not approve:
        lifecycle.check_lead("new", "rejected")
        lead.state, lead.qualify_note, lead.updated_at = "rejected", note or "rejected", ctx.now
        audit.record(
            ctx,
            "lead.rejected",
            lead_id=lead.id,
            from_state="new",
            to_state="rejected",
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
    if lead.state not in ("new", "rejected"):
        raise NotQualifiable(f"the lead is {lead.state}, not waiting")
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
