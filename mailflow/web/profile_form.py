"""The profile page's forms, read into the validated shapes the actions take."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from mailflow.actions.partners.away_periods import PlannedAway
from mailflow.models.api_schemas import BusinessHoursIn, ContactIn, PartnerIn
from mailflow.models.schemas import _EMAIL
from mailflow.rules import territory
from mailflow.rules.forminput import FormInputError

MAX_TERMS = 100


def _terms(text: str) -> list[str]:
    """Comma- or line-separated words people type: trimmed, without repeats."""
    terms = [t.strip() for t in re.split(r"[,;\n]+", text)]
    return list(dict.fromkeys(t for t in terms if t))[:MAX_TERMS]


def _capacity(text: str) -> int | None:
    raw = text.strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise FormInputError("capacity")
    return int(raw)


def details_input(form: MultiDict[str, str], tz: str) -> PartnerIn:
    """What matching reads of the partner; pydantic's ValidationError or
    :class:`FormInputError` (``regions`` with the word, or the field's name) when a value
    cannot be taken."""
    try:
        regions = territory.parse(form.get("territory", ""))
    except FormInputError as exc:
        raise FormInputError(f"territory:{exc}") from None
    days = [int(d) for d in form.getlist("days") if d.isdigit()]
    hours: dict[str, Any] | None = None
    if days:
        hours = {"tz": tz, "days": days, "start": form.get("start", ""), "end": form.get("end", "")}
    return PartnerIn(
        expertise=_terms(form.get("expertise", "")),
        product_lines=_terms(form.get("product_lines", "")),
        languages=form.getlist("languages"),
        capacity=_capacity(form.get("capacity", "")),
        territory=regions,
        business_hours=BusinessHoursIn.model_validate(hours) if hours else None,
    )


def _id(text: str | None, field: str) -> int:
    if not text or not text.isdigit() or len(text) > 9:
        raise FormInputError(field)
    return int(text)


def _day(text: str | None, field: str) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        raise FormInputError(field) from None


def away_input(form: MultiDict[str, str]) -> PlannedAway:
    """Who is away, the first and last day, and the colleague who takes over (``mode``
    ``colleague``) or none (``pause``): :class:`FormInputError` names the field."""
    pause = form.get("mode") == "pause"
    return PlannedAway(
        away_id=_id(form.get("away"), "away"),
        first_day=_day(form.get("first_day"), "first_day"),
        last_day=_day(form.get("last_day"), "last_day"),
        stand_in_id=None if pause else _id(form.get("stand_in"), "stand_in"),
    )


def period_input(form: MultiDict[str, str]) -> int:
    return _id(form.get("period"), "period")


def invite_input(form: MultiDict[str, str], lang: str) -> ContactIn:
    """A colleague's name, email and language (the inviter's when none is chosen)."""
    name, email = form.get("name", "").strip(), form.get("email", "").strip()
    if not name:
        raise FormInputError("name")
    if not _EMAIL.match(email):
        raise FormInputError("email")
    return ContactIn.model_validate(
        {"name": name, "email": email, "language": form.get("language") or lang}
    )


def colleague_input(form: MultiDict[str, str]) -> int:
    return _id(form.get("colleague"), "colleague")
