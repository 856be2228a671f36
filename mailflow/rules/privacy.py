"""What of a lead each audience may see: the one place the privacy line is drawn.

``teaser`` is for anyone a lead is offered to: never the customer's name, company,
email, phone or street. ``details`` is for the owning partner only.
"""

from __future__ import annotations

from typing import Any

from mailflow.models import Lead

TEASER_FIELDS = ("temperature", "city", "country", "product_line", "requirement", "currency")
CONTACT_FIELDS = (
    "customer_name",
    "customer_company",
    "customer_email",
    "customer_phone",
    "customer_street",
    "postal_code",
)


def region(lead: Lead) -> str:
    """A coarse place: the city and the first two digits of the postal code."""
    prefix = (lead.postal_code or "")[:2]
    parts = [
        p for p in (f"{prefix}xxx" if prefix else "", lead.city or "", lead.country or "") if p
    ]
    return " ".join(parts)


def teaser(lead: Lead) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(lead, name) for name in TEASER_FIELDS}
    data["id"] = lead.id
    data["region"] = region(lead)
    data["value"] = str(lead.value) if lead.value is not None else None
    return data


def details(lead: Lead) -> dict[str, Any]:
    data = teaser(lead)
    data.update({name: getattr(lead, name) for name in CONTACT_FIELDS})
    data["remarks"] = lead.remarks
    return data
