"""edit and note: the manufacturer's staff correct a lead's description (product line,
value, requirement, remarks, temperature) or add an internal note. Each is one audited
change; an edit records what changed from what."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput, NotFound, WrongState
from mailflow.models import Lead
from mailflow.rules.lifecycle import CLOSED_STAGES

EDITABLE = ("product_line", "value", "currency", "requirement", "remarks", "temperature")
TEMPERATURES = ("hot", "warm", "cold")
NOTE_EVENT = "lead.note_added"
MAX_NOTE = 4000


def _lock(ctx: ActionContext, lead_id: int) -> Lead:
    lead = ctx.session.exec(select(Lead).where(Lead.id == lead_id).with_for_update()).first()
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    return lead


def edit_lead(ctx: ActionContext, lead_id: int, changes: dict[str, Any]) -> Lead:
    """Set the given fields (others stay); nothing changed records nothing."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"cannot edit {', '.join(sorted(unknown))}")
    lead = _lock(ctx, lead_id)
    if lead.state in CLOSED_STAGES:
        raise WrongState(f"lead is {lead.state}; it cannot be edited", state=lead.state)
    if "temperature" in changes and changes["temperature"] not in TEMPERATURES:
        raise InvalidInput("temperature is hot, warm or cold")
    if changes.get("currency") is not None and not (
        len(changes["currency"]) == 3 and changes["currency"].isalpha()
    ):
        raise InvalidInput("currency is a three-letter code such as EUR")
    if changes.get("value") is not None and Decimal(changes["value"]) < 0:
        raise InvalidInput("the value cannot be negative")
    before: dict[str, str | None] = {}
    after: dict[str, str | None] = {}
    for name, value in changes.items():
        if name == "currency" and value:
            value = value.upper()
        old = getattr(lead, name)
        if (None if old is None else str(old)) == (None if value is None else str(value)):
            continue
        before[name] = None if old is None else str(old)
        after[name] = None if value is None else str(value)
        setattr(lead, name, value)
    if after:
        lead.updated_at = ctx.now
        audit.record(ctx, "lead.edited", lead_id=lead_id, before=before, after=after)
    return lead


def add_note(ctx: ActionContext, lead_id: int, text: str) -> int:
    """An internal note on the lead (staff only; partners do not see it). Its event id."""
    text = text.strip()
    if not text:
        raise InvalidInput("the note is empty")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"a note has at most {MAX_NOTE} characters")
    _lock(ctx, lead_id)
    return audit.record(ctx, NOTE_EVENT, lead_id=lead_id, text=text)
