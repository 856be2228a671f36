"""JSON API v1 (matching part): a partner manager's override, with the manufacturer's key.

``POST /api/v1/leads/<id>/offer`` ``{"organization_ids": [..]}`` opens a ring with exactly
those partners; ``POST /api/v1/leads/<id>/assign`` ``{"organization_id": n}`` gives the
lead to one partner. ``GET /api/v1/leads/<id>/matching`` returns the explanation: every
active partner is ranked; the best ``limit`` (default 50, ``all``) come with their scores,
the excluded ones as counts per reason with the nearest few as examples.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request

from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.override import assign, offer_to
from mailflow.matchdata import explain_lead
from mailflow.models import Lead, Offer
from mailflow.web import runtime
from mailflow.web.api import _authenticate
from mailflow.web.errors import problem

bp = Blueprint("api_matching", __name__, url_prefix="/api/v1")
TOP = 50
EXAMPLES = 20
bp.before_request(_authenticate)


@bp.before_request
def _manufacturer_only() -> Any:
    if getattr(g, "organization", None) is not None and g.organization.kind != "manufacturer":
        return problem(403, "Forbidden", "Only the manufacturer's keys can move leads.")
    return None


def _ids(body: Any, key: str) -> list[int] | None:
    value = body.get(key) if isinstance(body, dict) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, list) and value and all(type(v) is int for v in value):
        return list(value)
    return None


def _run(action: Any) -> Any:
    try:
        with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
            result = action(ctx)
    except ActionError as exc:
        return problem(exc.http_status, "Refused", str(exc))
    return result


@bp.post("/leads/<int:lead_id>/offer")
def offer(lead_id: int) -> Any:
    ids = _ids(request.get_json(silent=True), "organization_ids")
    if ids is None:
        return problem(422, "Unprocessable Content", "Send organization_ids: a list of ids.")
    result = _run(lambda ctx: offer_to(ctx, lead_id, ids))
    if not isinstance(result, list):
        return result
    offers = [{"id": o.id, "organization_id": o.organization_id, "ring": o.ring} for o in result]
    return {"lead_id": lead_id, "offers": offers}, 201


@bp.post("/leads/<int:lead_id>/assign")
def assign_lead(lead_id: int) -> Any:
    ids = _ids(request.get_json(silent=True), "organization_id")
    if ids is None or len(ids) != 1:
        return problem(422, "Unprocessable Content", "Send organization_id: one id.")
    result = _run(lambda ctx: assign(ctx, lead_id, ids[0]))
    if not isinstance(result, Offer):
        return result
    return {"lead_id": lead_id, "owner_id": result.organization_id, "offer_id": result.id}, 200


@bp.get("/leads/<int:lead_id>/matching")
def matching(lead_id: int) -> Any:
    rt = runtime()
    with rt.db.read() as s:
        lead = s.get(Lead, lead_id)
        if lead is None:
            return problem(404, "Not Found", f"No lead {lead_id}.")
        ranking = explain_lead(s, lead, rt.clock.now(), rt.settings.ring_size)
        limit = _limit(request.args.get("limit"))
        if limit is None:
            return problem(422, "Unprocessable Content", "limit: a positive number or all.")
        shown = ranking.top(None if limit == 0 else limit)
        groups = ranking.exclusion_groups(EXAMPLES)
    return {
        "lead_id": lead_id,
        "partners": len(ranking.pool),
        "eligible": ranking.eligible,
        "ring": [m.organization_id for m in ranking.ring],
        "candidates": [
            {
                "organization_id": s.candidate.organization_id,
                "name": s.candidate.name,
                "score": s.score,
                "existing_customer": s.existing_customer,
                "criteria": {
                    k: {"value": v, "weight": w, "note": n} for k, (v, w, n) in s.parts.items()
                },
            }
            for s in shown
        ],
        "excluded_counts": {g.reason: g.count for g in groups},
        "excluded": [
            {"organization_id": c.organization_id, "name": c.name, "reason": why}
            for g in groups
            for c, why in g.examples
        ],
    }


def _limit(raw: str | None) -> int | None:
    """``?limit=N`` candidates (default 50), ``all`` for every one (0); None if invalid."""
    if raw is None:
        return TOP
    if raw == "all":
        return 0
    return int(raw) if raw.isdigit() and int(raw) > 0 else None
