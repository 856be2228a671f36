"""One CSV row as a validated model: empty cells are absent, the rest goes through the
same models as the API (``LeadIn``, ``PartnerIn``, ``ContactIn``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from mailflow.models.api_schemas import ContactIn, PartnerIn
from mailflow.models.schemas import LeadIn, problems

LIST_FIELDS = ("certifications", "expertise", "languages")
CONTACT_COLUMNS = {
    "contact_name": "name",
    "contact_email": "email",
    "contact_external_id": "external_id",
    "contact_language": "language",
    "contact_role": "role",
}


# the ``invite`` column: a true cell invites the row's contact (the partner joins by the
# invitation's page; a new partner is created inactive)
YES = frozenset({"1", "yes", "true", "y", "x", "ja", "oui", "si", "sí", "tak"})
NO = frozenset({"0", "no", "false", "n", "nein", "non", "nee", "nie"})


class PartnerRow(BaseModel):
    partner: PartnerIn
    contact: ContactIn | None
    invite: bool = False


def _cells(raw: dict[str | None, Any]) -> dict[str, Any]:
    if None in raw:
        raise ValueError("more cells than columns")
    return {k.strip(): v.strip() for k, v in raw.items() if k and v is not None and v.strip()}


def errors_of(exc: ValidationError) -> str:
    return "; ".join(f"{field}: {message}" for field, message in problems(exc, "row"))


def lead_row(raw: dict[str | None, Any]) -> LeadIn:
    return LeadIn(**_cells(raw))


def partner_row(raw: dict[str | None, Any]) -> PartnerRow:
    cells = _cells(raw)
    contact = {new: cells.pop(old) for old, new in CONTACT_COLUMNS.items() if old in cells}
    invite = _flag(cells.pop("invite", ""))
    if invite and not contact.get("email"):
        raise ValueError("invite: the row needs a contact_email to invite")
    for name in LIST_FIELDS:
        if name in cells:
            cells[name] = [p.strip() for p in cells[name].split(";") if p.strip()]
    partner = PartnerIn(**cells)
    if not partner.external_id:
        raise ValueError("external_id is required (the key of the upsert)")
    if not partner.name:
        raise ValueError("name is required")
    return PartnerRow(
        partner=partner, contact=ContactIn(**contact) if contact else None, invite=invite
    )


def _flag(cell: str) -> bool:
    word = cell.strip().lower()
    if word in YES:
        return True
    if word in NO or not word:
        return False
    raise ValueError(f"invite: {cell!r} is not yes or no")
