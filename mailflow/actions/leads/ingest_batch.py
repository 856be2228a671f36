"""ingest_batch: many leads at once (CSV import) by the rules of :func:`ingest` — each new
lead prepared by :func:`new_lead`, judged by its campaign's gate and audited with the same
Events — but stored with one INSERT per table per batch instead of one per lead, so
100,000 rows take seconds, not minutes. A row that repeats an open lead (or another row
of the batch) goes through :func:`ingest` itself, which merges it; a known external id is
left alone, or completes a lead still waiting for its fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import col, func, or_, select

from mailflow.actions import audit
from mailflow.actions.bulk import allocate_ids, insert_many
from mailflow.actions.context import ActionContext
from mailflow.actions.leads.ingest import DUPLICATE_WINDOW, OPEN_STATES, arrival, ingest, new_lead
from mailflow.actions.leads.merge import merge_into
from mailflow.actions.leads.qualification import Verdict, after_gate, gate, judge
from mailflow.models import Campaign, Lead
from mailflow.models.schemas import LeadIn
from mailflow.models.states import LeadState
from mailflow.queries.matching_input import campaign_for, postal_points

DISTRIBUTE_CHUNK = 200  # lead ids per distribution job


@dataclass
class BatchResult:
    created: int = 0
    existing: int = 0  # known and left as they are
    updated: int = 0  # known and completed, or repeated and merged, by this row
    qualified_ids: list[int] = field(default_factory=list)


@dataclass
class _Split:
    fresh: list[LeadIn] = field(default_factory=list)
    incomplete: dict[str, LeadIn] = field(default_factory=dict)  # external id → its row
    repeats: list[LeadIn] = field(default_factory=list)  # for ingest(), which merges them


def ingest_batch(ctx: ActionContext, leads: list[LeadIn]) -> BatchResult:
    """1. set known external ids aside (repeats inside the batch too): a lead still
    unqualified (``new``) is completed with the row's cells (:func:`merge_into`) and
    gated again, any other is left as it is; 2. insert the new leads and their Events;
    3. hand the repeats of open leads to :func:`ingest`; 4. queue distribution jobs of
    ``DISTRIBUTE_CHUNK`` ids each for after commit."""
    result = BatchResult()
    split = _split(ctx, leads, result)
    _complete(ctx, split.incomplete, result)
    if split.fresh:
        _insert_new(ctx, split.fresh, result)
    for data in split.repeats:
        done = ingest(ctx, data)
        result.created += done.created
        result.updated += done.merged
    for start in range(0, len(result.qualified_ids), DISTRIBUTE_CHUNK):
        ctx.later("distribute_many", result.qualified_ids[start : start + DISTRIBUTE_CHUNK])
    return result


def _insert_new(ctx: ActionContext, fresh: list[LeadIn], result: BatchResult) -> None:
    postcodes = postal_points(ctx.session, [(d.country, d.postal_code) for d in fresh])
    campaigns: dict[tuple[str | None, str | None], Campaign | None] = {}
    leads, verdicts, events = [], [], []
    for data in fresh:
        lead = new_lead(ctx, data, postcodes)
        key = (lead.campaign, lead.source)
        if key not in campaigns:  # a file has few campaigns: one query each
            campaigns[key] = campaign_for(ctx.session, lead)
        verdict = judge(ctx, lead, campaigns[key])
        leads.append(lead)
        verdicts.append(verdict)
        events.append(arrival(lead, verdict, ctx.now))
    ids = allocate_ids(ctx, "lead", len(leads))
    for lead_id, lead in zip(ids, leads, strict=True):
        lead.id = lead_id
    insert_many(ctx, Lead.__table__, [lead.model_dump() for lead in leads])  # type: ignore[attr-defined]
    audit.record_many(
        ctx,
        [(k, {"lead_id": i, **f}) for i, lead_events in zip(ids, events, strict=True)
         for k, f in lead_events],
    )  # fmt: skip
    result.created += len(ids)
    _after(ctx, leads, verdicts, result)


def _after(
    ctx: ActionContext, leads: list[Lead], verdicts: list[Verdict], result: BatchResult
) -> None:
    """The agency is asked as :func:`ingest` asks it; qualified leads are distributed in
    chunks (one job per chunk, not one per lead)."""
    for lead, verdict in zip(leads, verdicts, strict=True):
        if verdict.agency_id is not None:
            after_gate(ctx, lead, verdict)
        elif verdict.result.qualified:
            assert lead.id is not None
            result.qualified_ids.append(lead.id)


def _split(ctx: ActionContext, leads: list[LeadIn], result: BatchResult) -> _Split:
    """New leads, rows for known leads still unqualified, and repeats of open leads."""
    wanted = {lead.external_id for lead in leads if lead.external_id}
    states: dict[str | None, str] = {}
    if wanted:
        states = dict(
            ctx.session.exec(
                select(Lead.external_id, Lead.state).where(col(Lead.external_id).in_(wanted))
            ).all()
        )
    emails, customers = _open_customers(ctx, leads)
    split = _Split()
    for lead in leads:
        ext = lead.external_id
        if ext and ext in states:
            if states[ext] == LeadState.NEW and ext not in split.incomplete:
                split.incomplete[ext] = lead
            else:
                result.existing += 1
            continue
        if ext:
            states[ext] = "inserted"
        email = (lead.customer_email or "").lower()
        customer = (lead.customer_external_id, lead.product_line)
        if (email and email in emails) or (customer[0] and customer in customers):
            split.repeats.append(lead)
        else:
            split.fresh.append(lead)
        emails.add(email)
        customers.add(customer)
    return split


def _open_customers(
    ctx: ActionContext, leads: list[LeadIn]
) -> tuple[set[str], set[tuple[str | None, str | None]]]:
    """Email addresses and (customer id, product line) of the open leads a row of the
    batch may repeat (:func:`mailflow.actions.leads.ingest._duplicate_of` decides for each)."""
    emails = {lead.customer_email.lower() for lead in leads if lead.customer_email}
    ids = {lead.customer_external_id for lead in leads if lead.customer_external_id}
    if not emails and not ids:
        return set(), set()
    since: datetime = ctx.now - DUPLICATE_WINDOW
    rows = ctx.session.exec(
        select(func.lower(Lead.customer_email), Lead.customer_external_id, Lead.product_line)
        .where(col(Lead.state).in_(OPEN_STATES), Lead.created_at >= since)
        .where(
            or_(
                func.lower(Lead.customer_email).in_(emails), col(Lead.customer_external_id).in_(ids)
            )
        )
    ).all()
    return {e for e, _, _ in rows if e}, {(c, p) for _, c, p in rows if c}


def _complete(ctx: ActionContext, rows: dict[str, LeadIn], result: BatchResult) -> None:
    """Fill the given cells into unqualified leads by the merge rule the API uses (empty
    fields only; a differing value is noted) and pass the campaign's gate again (rare:
    one audited ORM update per lead)."""
    if not rows:
        return
    leads = ctx.session.exec(
        select(Lead)
        .where(col(Lead.external_id).in_(rows), Lead.state == LeadState.NEW)
        .with_for_update()
    ).all()
    for lead in leads:
        merged = merge_into(ctx, lead, rows[lead.external_id or ""], repeat_of=None)
        lead.updated_at = ctx.now
        audit.record(
            ctx,
            "lead.updated",
            lead_id=lead.id,
            fields=sorted(merged.filled),
            differing=merged.differing,
        )
        gate(ctx, lead)
        result.updated += 1
    result.existing += len(rows) - len(leads)
