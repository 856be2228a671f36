"""JSON API v1: deal registrations. A partner's key registers the opportunities the
partner found itself and reads its own; the manufacturer's key reads them all."""

from __future__ import annotations

from typing import Any

from flask import g, url_for

from mailflow.actions import unit
from mailflow.actions.deals.register import register
from mailflow.actions.errors import NotAllowed, NotFound
from mailflow.models import DealRegistration
from mailflow.models.api_schemas import DealIn, DealOut
from mailflow.web.api import bp
from mailflow.web.apispec import endpoint
from mailflow.web.context import runtime


def deal_out(deal: DealRegistration, staff: bool) -> DealOut:
    """``conflicts`` are the staff's: they name other partners' leads and registrations."""
    data = deal.model_dump()
    data["value"] = str(deal.value) if deal.value is not None else None
    data["conflicts"] = deal.conflicts if staff else []
    return DealOut.model_validate(data)


@endpoint(bp, "POST", "/deal-registrations", scope="deals:write",
          summary="Register an opportunity the partner found itself; staff approve it",
          body=DealIn, response=DealOut, status=201)  # fmt: skip
def create_deal(body: DealIn) -> Any:
    if g.organization.kind == "manufacturer":
        raise NotAllowed("Only a partner's key registers deals.")
    with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
        deal = register(ctx, g.organization.id, None, body)
        out = deal_out(deal, staff=False)
    location = url_for("api.get_deal", deal_id=out.id)
    return out, 201, {"Location": location}


@endpoint(bp, "GET", "/deal-registrations/<int:deal_id>", scope="deals:read",
          summary="A deal registration", response=DealOut)  # fmt: skip
def get_deal(deal_id: int) -> Any:
    with runtime().db.read() as s:
        deal = s.get(DealRegistration, deal_id)
        mine = deal is not None and deal.organization_id == g.organization.id
        if deal is None or not (mine or g.organization.kind == "manufacturer"):
            raise NotFound(f"No deal registration {deal_id}.")
        return deal_out(deal, staff=g.organization.kind == "manufacturer")
