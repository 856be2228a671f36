"""JSON API v1: bearer keys with scopes, rate limits, leads. Errors are problem+json.

Routes are declared with :func:`mailflow.web.apispec.endpoint`; the OpenAPI document at
``/api/v1/openapi.json`` is generated from that table and the pydantic models.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, current_app, g, request, url_for
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.console import apikeys
from mailflow.actions.errors import NotFound
from mailflow.actions.leads.ingest_once import ingest_once
from mailflow.actions.leads.withdraw import withdraw
from mailflow.models import Lead, Organization
from mailflow.models.api_schemas import LeadIn, LeadOut, LeadPage, LeadQuery, WithdrawIn
from mailflow.queries import visibility
from mailflow.web.apilead import lead_out
from mailflow.web.apispec import PUBLIC, endpoint, openapi, refuse_undeclared, require_manufacturer
from mailflow.web.context import runtime
from mailflow.web.errors import problem
from mailflow.web.ratelimit import Limiter, make_limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_app_request(refuse_undeclared)


@bp.get("/openapi.json")
def openapi_json() -> Any:
    return openapi("mailflow API", "1.0.0")


@bp.before_request
def _authenticate() -> Any:
    if request.endpoint in PUBLIC:
        return None
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
    verdict = _limiter().hit(f"key:{row.id}")
    if not verdict.allowed:
        response = problem(
            429, "Too Many Requests", f"Slow down: retry in {verdict.retry_after} s."
        )
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    return None


def _limiter() -> Limiter:
    limiter = current_app.extensions.get("mailflow.web.ratelimit")
    if limiter is None:
        settings = runtime().settings
        limiter = make_limiter(
            settings.redis_url, settings.api_rate_per_minute, settings.redis_prefix + "rl:"
        )
        current_app.extensions["mailflow.web.ratelimit"] = limiter
    return limiter


def _unauthorized(detail: str) -> Any:
    response = problem(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="mailflow"'
    return response


@endpoint(
    bp,
    "POST",
    "/leads",
    scope="leads:write",
    summary="Create a lead (idempotent by external_id and by the Idempotency-Key header)",
    body=LeadIn,
    response=LeadOut,
    status=201,
    headers=("Idempotency-Key",),
)
def create_lead(body: LeadIn) -> Any:
    require_manufacturer("create leads")
    key = (request.headers.get("Idempotency-Key") or "").strip()[:200] or None
    if key and not (key.isascii() and key.isprintable()):
        return problem(422, "Unprocessable Content", "Idempotency-Key: printable ASCII only.")
    fingerprint = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    for attempt in (1, 2):
        try:
            with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
                result = ingest_once(ctx, body, g.api_key.id, key, fingerprint)
                payload = lead_out(ctx.session, result.lead, g.organization)
            break
        except IntegrityError:
            # A concurrent twin (same key or external id) committed first; the retry
            # finds its lead.
            if attempt == 2:
                raise
    location = url_for("api.get_lead", lead_id=result.lead.id)
    return payload, 201 if result.created else 200, {"Location": location}


@endpoint(bp, "GET", "/leads/<int:lead_id>", scope="leads:read", summary="A lead", response=LeadOut)
def get_lead(lead_id: int) -> Any:
    with runtime().db.read() as session:
        seen_by = visibility.for_organization(session, g.organization)
        lead = session.get(Lead, lead_id)
        if lead is None or not visibility.may_see_lead(session, seen_by, lead_id):
            raise NotFound(f"No lead {lead_id}.")
        return lead_out(session, lead, g.organization, seen_by)


@endpoint(
    bp,
    "GET",
    "/leads",
    scope="leads:read",
    summary="List leads, newest first, filtered; page with `after`",
    query=LeadQuery,
    response=LeadPage,
)
def list_leads(query: LeadQuery) -> Any:
    org: Organization = g.organization
    stmt = select(Lead)
    if query.state:
        stmt = stmt.where(Lead.state == query.state)
    if query.temperature:
        stmt = stmt.where(Lead.temperature == query.temperature)
    if query.created_after:
        stmt = stmt.where(col(Lead.created_at) >= query.created_after)
    if query.created_before:
        stmt = stmt.where(col(Lead.created_at) < query.created_before)
    if query.after:
        stmt = stmt.where(col(Lead.id) < query.after)
    with runtime().db.read() as session:
        seen_by = visibility.for_organization(session, org)  # once, not once per lead
        stmt = stmt.where(visibility.leads(seen_by)).order_by(col(Lead.id).desc())
        leads = session.exec(stmt.limit(query.limit + 1)).all()
        items = [lead_out(session, lead, org, seen_by) for lead in leads[: query.limit]]
    more = len(leads) > query.limit
    return LeadPage(items=items, next_after=items[-1].id if more and items else None)


@endpoint(
    bp,
    "POST",
    "/leads/<int:lead_id>/withdraw",
    scope="leads:write",
    summary="Withdraw a lead that no partner has picked yet",
    body=WithdrawIn,
    response=LeadOut,
)
def withdraw_lead(lead_id: int, body: WithdrawIn) -> Any:
    require_manufacturer("withdraw leads")
    with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
        lead = withdraw(ctx, lead_id, body.reason)
        return lead_out(ctx.session, lead, g.organization)


from mailflow.web import (  # noqa: E402, F401  (routes on bp)
    api_deals,
    api_invitations,
    api_matching,
    api_offers,
    api_partners,
)
