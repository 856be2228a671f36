"""JSON API v1 (matching part): a partner manager's override, with the manufacturer's key.

``POST /api/v1/leads/<id>/offer`` ``{"organization_ids": [..]}`` opens a ring with exactly
those partners; ``POST /api/v1/leads/<id>/assign`` ``{"organization_id": n}`` gives the
lead to one partner. ``GET /api/v1/leads/<id>/matching`` returns the explanation: every
active partner is ranked; the best ``limit`` (default 50, ``all``) come with their scores,
the excluded ones as counts per reason with the nearest few as examples. Each note and
reason also comes as a ``message`` in the caller's language (``language``: the
``Accept-Language`` when we speak it, else the key's organisation's language).
"""

from __future__ import annotations

from typing import Any

from flask import g

from mailflow.actions import unit
from mailflow.actions.errors import NotFound
from mailflow.actions.leads.override import assign, offer_to
from mailflow.mail.labels import note
from mailflow.models import Lead, Organization
from mailflow.models.api_schemas import (
    AssignIn,
    AssignOut,
    Candidate,
    Criterion,
    Excluded,
    MatchingOut,
    MatchingQuery,
    OfferRef,
    OfferToIn,
    OfferToOut,
)
from mailflow.queries.matching_input import explain_lead
from mailflow.web.api import bp
from mailflow.web.apispec import endpoint, require_manufacturer
from mailflow.web.context import runtime
from mailflow.web.language import client_language

EXAMPLES = 20


@endpoint(bp, "POST", "/leads/<int:lead_id>/offer", scope="leads:write",
          summary="Offer the lead to exactly these partners (a partner manager's override)",
          body=OfferToIn, response=OfferToOut, status=201)  # fmt: skip
def offer(lead_id: int, body: OfferToIn) -> Any:
    require_manufacturer("move leads")
    with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
        offers = offer_to(ctx, lead_id, body.organization_ids)
        refs = [OfferRef(id=o.id, organization_id=o.organization_id, ring=o.ring) for o in offers]  # type: ignore[arg-type]
    return OfferToOut(lead_id=lead_id, offers=refs)


@endpoint(bp, "POST", "/leads/<int:lead_id>/assign", scope="leads:write",
          summary="Give the lead to one partner: it becomes the owner at once",
          body=AssignIn, response=AssignOut)  # fmt: skip
def assign_lead(lead_id: int, body: AssignIn) -> Any:
    require_manufacturer("move leads")
    with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
        picked = assign(ctx, lead_id, body.organization_id)
        assert picked.id is not None
        return AssignOut(lead_id=lead_id, owner_id=picked.organization_id, offer_id=picked.id)


@endpoint(bp, "GET", "/leads/<int:lead_id>/matching", scope="leads:read",
          summary="Why the matcher ranks partners as it does: scores and exclusions",
          query=MatchingQuery, response=MatchingOut)  # fmt: skip
def matching(lead_id: int, query: MatchingQuery) -> Any:
    require_manufacturer("move leads")
    rt = runtime()
    with rt.db.read() as s:
        lead = s.get(Lead, lead_id)
        if lead is None:
            raise NotFound(f"No lead {lead_id}.")
        ranking = explain_lead(s, lead, rt.clock.now(), rt.settings.ring_size)
        shown = ranking.top(None if query.limit == "all" else query.limit)
        groups = ranking.exclusion_groups(EXAMPLES)
        own = s.get(Organization, g.api_key.organization_id)
    lang = client_language(own.languages if own is not None else ())
    return MatchingOut(
        lead_id=lead_id,
        partners=len(ranking.pool),
        eligible=ranking.eligible,
        ring=[m.organization_id for m in ranking.ring],
        candidates=[
            Candidate(
                organization_id=s.candidate.organization_id,
                name=s.candidate.name,
                score=s.score,
                existing_customer=s.existing_customer,
                criteria={
                    k: Criterion(value=v, weight=w, note=n, message=note(lang, n))
                    for k, (v, w, n) in s.parts.items()
                },
            )
            for s in shown
        ],
        excluded_counts={grp.reason: grp.count for grp in groups},
        excluded=[
            Excluded(
                organization_id=c.organization_id,
                name=c.name,
                reason=why,
                code=grp.reason,
                message=note(lang, why),
            )
            for grp in groups
            for c, why in grp.examples
        ],
        language=lang,
    )
