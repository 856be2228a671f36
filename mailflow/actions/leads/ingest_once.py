"""ingest_once: ingest behind a client's ``Idempotency-Key``: a retried request with the
same key and body gets the lead the first one created; the same key with another body
is refused."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError, NotFound
from mailflow.actions.leads.ingest import ingest
from mailflow.models import IdempotencyKey, Lead
from mailflow.models.schemas import LeadIn


class KeyReused(ActionError):
    code = "idempotency_key_reused"
    http_status = 422


@dataclass(frozen=True)
class Created:
    lead: Lead
    created: bool


def ingest_once(
    ctx: ActionContext, data: LeadIn, api_key_id: int, key: str | None, fingerprint: str
) -> Created:
    if key:
        seen = ctx.session.exec(
            select(IdempotencyKey).where(
                IdempotencyKey.api_key_id == api_key_id, IdempotencyKey.key == key
            )
        ).first()
        if seen is not None:
            if seen.fingerprint != fingerprint:
                raise KeyReused("this Idempotency-Key was used with another request body")
            lead = ctx.session.get(Lead, seen.lead_id)
            if lead is None:
                raise NotFound("the lead of this Idempotency-Key is gone")
            return Created(lead, created=False)
    result = ingest(ctx, data)
    if key:
        assert result.lead.id is not None
        ctx.session.add(
            IdempotencyKey(
                api_key_id=api_key_id,
                key=key,
                fingerprint=fingerprint,
                lead_id=result.lead.id,
                created_at=ctx.now,
            )
        )
        ctx.session.flush()  # a concurrent twin fails here on the unique key and rolls back
    return Created(result.lead, result.created)
