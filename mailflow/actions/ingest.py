"""ingest: a lead comes in (API, CSV, form), is stored, qualified, and queued for offering."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from mailflow import audit, lifecycle
from mailflow.actions.context import ActionContext
from mailflow.geo import locate_city
from mailflow.models import Lead
from mailflow.qualify import qualify
from mailflow.schemas import LeadIn


@dataclass(frozen=True)
class Ingested:
    lead: Lead
    created: bool  # False when the external id was already known (idempotent retry)


def ingest(ctx: ActionContext, data: LeadIn) -> Ingested:
    """1. return the existing lead for a known external id; 2. store; 3. qualify;
    4. a qualified lead is distributed by a job after commit."""
    if data.external_id:
        existing = ctx.session.exec(
            select(Lead).where(Lead.external_id == data.external_id)
        ).first()
        if existing is not None:
            return Ingested(existing, created=False)
    lead = Lead(**data.model_dump(), created_at=ctx.now, updated_at=ctx.now)
    if lead.lat is None or lead.lon is None:
        place = locate_city(lead.city, lead.country)
        if place:
            lead.lat, lead.lon = place
    ctx.session.add(lead)
    ctx.session.flush()
    assert lead.id is not None
    audit.record(ctx, "lead.created", lead_id=lead.id, to_state="new", source=lead.source)
    result = qualify(data.model_dump(), ctx.settings.required_lead_fields)
    if result.qualified:
        lifecycle.check_lead(lead.state, "qualified")
        lead.state = "qualified"
        audit.record(ctx, "lead.qualified", lead_id=lead.id, from_state="new", to_state="qualified")
        ctx.later("distribute", lead.id)
    else:
        lead.qualify_note = result.reason
        audit.record(ctx, "lead.unqualified", lead_id=lead.id, missing=list(result.missing))
    return Ingested(lead, created=True)
