"""JSON API v1 (first part): create and read leads. Errors are problem+json."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request, url_for
from pydantic import ValidationError
from sqlmodel import Session, col, select

from mailflow import apikeys, leadview, visibility
from mailflow.actions import unit
from mailflow.actions.ingest import ingest
from mailflow.models import Lead, Offer, Organization
from mailflow.schemas import LeadIn
from mailflow.web import runtime
from mailflow.web.errors import problem

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _authenticate() -> Any:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return _unauthorized("Send an API key as 'Authorization: Bearer <key>'.")
    with runtime().db.read() as session:
        row = apikeys.lookup(session, key.strip())
        org = session.get(Organization, row.organization_id) if row else None
    if row is None or org is None:
        return _unauthorized("The API key is not valid.")
    g.api_key, g.organization = row, org
    return None


def _unauthorized(detail: str) -> Any:
    response = problem(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="mailflow"'
    return response


@bp.post("/leads")
def create_lead() -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return problem(400, "Bad Request", "The body must be a JSON object.")
    try:
        data = LeadIn(**body)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()
        ]
        return problem(422, "Unprocessable Content", "The lead has invalid fields.", errors=errors)
    if g.organization.kind != "manufacturer":
        return problem(403, "Forbidden", "Only the manufacturer's keys can create leads.")
    with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
        result = ingest(ctx, data)
        payload = _lead_json(ctx.session, result.lead)
    status = 201 if result.created else 200
    return payload, status, {"Location": url_for("api.get_lead", lead_id=result.lead.id)}


@bp.get("/leads/<int:lead_id>")
def get_lead(lead_id: int) -> Any:
    with runtime().db.read() as session:
        viewer = visibility.for_organization(session, g.organization)
        lead = session.get(Lead, lead_id)
        if lead is None or not visibility.may_see_lead(session, viewer, lead_id):
            return problem(404, "Not Found", f"No lead {lead_id}.")
        return _lead_json(session, lead, viewer)


def _lead_json(
    session: Session, lead: Lead, viewer: visibility.Viewer | None = None
) -> dict[str, Any]:
    viewer = viewer or visibility.for_organization(session, g.organization)
    full = visibility.sees_customer(viewer, lead)
    body = leadview.details(lead) if full else leadview.teaser(lead)
    owner = session.get(Organization, lead.owner_id) if lead.owner_id else None
    offers = session.exec(
        select(Offer, Organization)
        .join(Organization, col(Organization.id) == Offer.organization_id)
        .where(Offer.lead_id == lead.id, visibility.offers(viewer))
        .order_by(col(Offer.id))
    ).all()
    body.update(
        {
            "id": lead.id,
            "external_id": lead.external_id,
            "state": lead.state,
            "ring": lead.ring,
            "source": lead.source,
            "qualify_note": lead.qualify_note,
            "created_at": _iso(lead.created_at),
            "picked_at": _iso(lead.picked_at),
            "owner": {"id": owner.id, "name": owner.name} if owner else None,
            "offers": [
                {
                    "id": o.id,
                    "organization": {"id": og.id, "name": og.name},
                    "ring": o.ring,
                    "state": o.state,
                    "offered_at": _iso(o.offered_at),
                    "expires_at": _iso(o.expires_at),
                    "responded_at": _iso(o.responded_at),
                    "reason": o.reason,
                }
                for o, og in offers
            ],
        }
    )
    return body


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
