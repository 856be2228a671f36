"""ingest: a lead comes in (API, CSV, form), is stored, enriched, placed, qualified, and
queued for offering — or merged into the lead it duplicates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, func, select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.leads.merge import merge_into
from mailflow.actions.leads.qualification import Verdict, after_gate, judge, settle
from mailflow.models import Lead
from mailflow.models.schemas import LeadIn
from mailflow.models.states import LeadState
from mailflow.queries.matching_input import (
    Point,
    business_domain,
    campaign_for,
    place_from,
    postal_points,
)
from mailflow.rules.enrich import csv_provider, enrich
from mailflow.rules.lifecycle import OPEN_STAGES

DUPLICATE_WINDOW = timedelta(days=90)
# a lead still being handled: not rejected, withdrawn, won or lost
OPEN_STATES = (LeadState.NEW, LeadState.QUALIFIED, LeadState.OFFERED, LeadState.UNASSIGNED,
               *OPEN_STAGES)  # fmt: skip


@dataclass(frozen=True)
class Ingested:
    lead: Lead
    created: bool  # False when the external id was already known, or the lead was merged
    merged: bool = False  # a duplicate of ``lead``: recorded on it, not offered twice


def ingest(ctx: ActionContext, data: LeadIn) -> Ingested:
    """1. return the existing lead for a known external id; 2. merge a duplicate into the
    open lead it repeats; 3. store, enrich and place; 4. qualify (the campaign's gate);
    5. a qualified lead is distributed by a job after commit."""
    if data.external_id:
        existing = ctx.session.exec(
            select(Lead).where(Lead.external_id == data.external_id)
        ).first()
        if existing is not None:
            return Ingested(existing, created=False)
    original = _duplicate_of(ctx, data)
    if original is not None:
        _merge(ctx, original, data)
        return Ingested(original, created=False, merged=True)
    lead = new_lead(ctx, data, postal_points(ctx.session, [(data.country, data.postal_code)]))
    verdict = judge(ctx, lead, campaign_for(ctx.session, lead))
    events = arrival(lead, verdict, ctx.now)
    ctx.session.add(lead)
    ctx.session.flush()
    assert lead.id is not None
    for kind, fields in events:
        audit.record(ctx, kind, lead_id=lead.id, **fields)
    after_gate(ctx, lead, verdict)
    return Ingested(lead, created=True)


def new_lead(ctx: ActionContext, data: LeadIn, postcodes: dict[tuple[str, str], Point]) -> Lead:
    """The one preparation of a new lead, whichever way it came in (the batch import too):
    the posted fields, company data and the customer's business domain, and its place when
    not given (``postcodes``: the operator's postal codes, looked up by the caller)."""
    lead = Lead(**data.model_dump(), created_at=ctx.now, updated_at=ctx.now)
    lead.company_data = enrich(lead.customer_email, csv_provider(ctx.settings.data_dir))
    lead.customer_domain = business_domain(lead.customer_email)
    if lead.lat is None or lead.lon is None:
        place = place_from(postcodes, lead.country, lead.postal_code, lead.city)
        if place:
            lead.lat, lead.lon = place
    return lead


def arrival(lead: Lead, verdict: Verdict, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """The new lead's state by the campaign's gate, and the events of its arrival as
    ``(kind, fields)``, for :func:`audit.record` or the batch's :func:`audit.record_many`."""
    events: list[tuple[str, dict[str, Any]]] = [
        ("lead.created", {"to_state": LeadState.NEW, "source": lead.source})
    ]
    if lead.company_data:
        events.append(("lead.enriched", {"fields": sorted(lead.company_data)}))
    return events + settle(lead, verdict, now)


def _duplicate_of(ctx: ActionContext, data: LeadIn) -> Lead | None:
    """The same customer asking again: the same email address, or the same customer id
    for the same product line, on a lead still open and not older than 90 days."""
    since = ctx.now - DUPLICATE_WINDOW
    base = select(Lead).where(col(Lead.state).in_(OPEN_STATES), Lead.created_at >= since)
    if data.customer_email:
        same = base.where(func.lower(Lead.customer_email) == data.customer_email.lower())
        found = ctx.session.exec(same.order_by(col(Lead.id))).first()
        if found is not None:
            return found
    if data.customer_external_id:
        same = base.where(
            Lead.customer_external_id == data.customer_external_id,
            Lead.product_line == data.product_line,
        )
        return ctx.session.exec(same.order_by(col(Lead.id))).first()
    return None


def _merge(ctx: ActionContext, lead: Lead, data: LeadIn) -> None:
    """The repeated enquiry adds to the lead by the one merge rule (:mod:`merge`)."""
    merged = merge_into(ctx, lead, data, repeat_of=data.source)
    lead.updated_at = ctx.now
    audit.record(
        ctx,
        "lead.merged",
        lead_id=lead.id,
        source=data.source,
        external_id=data.external_id,
        filled=merged.filled,
        differing=merged.differing,
    )
