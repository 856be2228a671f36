"""ingest: a lead comes in (API, CSV, form), is stored, enriched, placed, qualified, and
queued for offering — or merged into the lead it duplicates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import col, func, select

from mailflow import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.merge import merge_into
from mailflow.actions.qualification import gate
from mailflow.enrich import csv_provider, enrich
from mailflow.matchdata import business_domain, locate
from mailflow.models import Lead
from mailflow.schemas import LeadIn

DUPLICATE_WINDOW = timedelta(days=90)
OPEN_STATES = ("new", "qualified", "offered", "unassigned", "picked", "contacted", "meeting",
               "proposal")  # fmt: skip


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
    lead = Lead(**data.model_dump(), created_at=ctx.now, updated_at=ctx.now)
    lead.company_data = enrich(lead.customer_email, csv_provider(ctx.settings.data_dir))
    lead.customer_domain = business_domain(lead.customer_email)
    if lead.lat is None or lead.lon is None:
        place = locate(ctx.session, lead.country, lead.postal_code, lead.city)
        if place:
            lead.lat, lead.lon = place
    ctx.session.add(lead)
    ctx.session.flush()
    assert lead.id is not None
    audit.record(ctx, "lead.created", lead_id=lead.id, to_state="new", source=lead.source)
    if lead.company_data:
        audit.record(ctx, "lead.enriched", lead_id=lead.id, fields=sorted(lead.company_data))
    gate(ctx, lead)
    return Ingested(lead, created=True)


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
