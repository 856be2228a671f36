"""merge: a later post about a lead we already hold (the same customer asking again, or a
CSV row for a known external id) adds to the lead and never replaces what it says.

One rule for every way in (API, form, CSV): an empty field is filled; a value that
differs from the one stored goes into a dated note in ``remarks``, not over the original;
a note already there is not added again; ``remarks`` stays under ``MAX_REMARKS``
characters, the oldest notes trimmed first (and the trim said)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mailflow.actions.context import ActionContext
from mailflow.models import Lead
from mailflow.models.schemas import LeadIn

MAX_REMARKS = 8_000
TRIMMED = "[older remarks trimmed]"
# Filled when empty, never overwritten; a different value is noted.
FIELDS = (
    "customer_name",
    "customer_company",
    "customer_email",
    "customer_phone",
    "customer_street",
    "postal_code",
    "city",
    "country",
    "customer_external_id",
    "product_line",
    "campaign",
    "value",
    "requirement",
    "legal_basis",
    "consent_at",
    "consent_source",
    "legitimate_interest_note",
)
_TEMPERATURES = ("cold", "warm", "hot")


@dataclass
class Merged:
    filled: list[str] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)
    noted: bool = False


def merge_into(ctx: ActionContext, lead: Lead, data: LeadIn, *, repeat_of: str | None) -> Merged:
    """Merge ``data`` into ``lead`` by the rule above; ``repeat_of`` names the channel of a
    repeated enquiry for the note's heading (``None``: a completion, noted only when a
    value differs). The caller records the Event."""
    given = data.model_dump(exclude_none=True)
    merged = Merged()
    notes = []
    for name in FIELDS:
        new, old = given.get(name), getattr(lead, name)
        if _empty(new) or _same(old, new):
            continue
        if _empty(old):
            setattr(lead, name, new)
            merged.filled.append(name)
        else:
            merged.differing.append(name)
            notes.append(f"{name}: {new}")
    if data.remarks and data.remarks != lead.remarks:
        notes.append(data.remarks)
    if _hotter(lead, data, given=repeat_of is not None):
        lead.temperature = data.temperature
        merged.filled.append("temperature")
    heading = f"[{ctx.now:%Y-%m-%d}] " + (
        f"repeated enquiry via {repeat_of}" if repeat_of else "later values"
    )
    if notes or repeat_of:
        merged.noted = add_remark(lead, heading, notes)
    return merged


def add_remark(lead: Lead, heading: str, notes: list[str]) -> bool:
    """Append the note unless the remarks already hold it; keep them under the cap."""
    body = "; ".join(n.strip() for n in notes if n.strip())
    current = lead.remarks or ""
    if (body and body in current) or (not body and heading in current):
        return False
    note = f"{heading}: {body}" if body else heading
    lead.remarks = capped(f"{current}\n{note}" if current else note)
    return True


def capped(text: str, limit: int = MAX_REMARKS) -> str:
    """``text`` when it fits, else its newest part after a line saying older text was cut."""
    if len(text) <= limit:
        return text
    keep = text[len(text) - (limit - len(TRIMMED) - 1) :]
    newline = keep.find("\n")
    if 0 <= newline < len(keep) - 1:  # start at a whole note when one is in the kept part
        keep = keep[newline + 1 :]
    return f"{TRIMMED}\n{keep}"


def _hotter(lead: Lead, data: LeadIn, *, given: bool) -> bool:
    """A hotter temperature wins, when the post gave one (a repeat always does)."""
    if not given and "temperature" not in data.model_fields_set:
        return False
    return _TEMPERATURES.index(data.temperature) > _TEMPERATURES.index(lead.temperature)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return old.strip().casefold() == new.strip().casefold()
    return bool(old == new)
