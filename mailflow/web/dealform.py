"""The fields of a deal registration as a form posts them (the partner's page of a
forwarded email, the form on "My leads"): what was typed, read strictly, and each problem
named by its field in the reader's words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from mailflow.i18n import N_
from mailflow.models.schemas import DealIn
from mailflow.rules.forminput import FormInputError, parse_amount

# the form's fields and their labels (words the emails use too)
FIELDS: dict[str, str] = {
    "customer_name": N_("Customer"),
    "customer_company": N_("Company"),
    "customer_email": N_("Email"),
    "customer_phone": N_("Phone"),
    "requirement": N_("Requirement"),
    "value": N_("Estimated value"),
    "note": N_("Note"),
}
CURRENCIES = ("EUR", "CHF", "USD", "GBP", "PLN")


def typed(form: Mapping[str, str]) -> dict[str, str]:
    """What was typed, to show again with the problems."""
    return {name: (form.get(name) or "").strip() for name in (*FIELDS, "currency")}


def read(form: Mapping[str, str]) -> tuple[DealIn | None, list[str]]:
    """The registration, or the labels of the fields to check (catalog messages)."""
    values: dict[str, Any] = {k: v for k, v in typed(form).items() if v and k != "value"}
    try:
        amount = parse_amount(typed(form)["value"], "value")
    except FormInputError:
        return None, [FIELDS["value"]]
    if amount is not None:
        values["value"] = amount
    if values.get("currency") not in CURRENCIES:
        values["currency"] = "EUR"
    try:
        return DealIn(**values), []
    except ValidationError as exc:
        names = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        return None, [label for name, label in FIELDS.items() if name in names]


def shown(deal: Any) -> dict[str, str]:
    """A stored registration's fields as the form shows them."""
    values = {name: getattr(deal, name, None) for name in (*FIELDS, "currency")}
    return {name: "" if value is None else str(value) for name, value in values.items()}
