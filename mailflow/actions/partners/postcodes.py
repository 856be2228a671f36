"""import_postcodes: load operator-supplied postal-code centroids (GeoNames format)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import col, select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.models import PostalCode
from mailflow.rules.postal import PostalPlace

BATCH = 2000


def import_postcodes(ctx: ActionContext, places: Iterable[PostalPlace]) -> tuple[int, int]:
    """Insert new codes and update known ones; returns (added, updated). Run twice, the
    second run only updates."""
    added = updated = 0
    batch: list[PostalPlace] = []
    for place in places:
        batch.append(place)
        if len(batch) >= BATCH:
            a, u = _store(ctx, batch)
            added, updated, batch = added + a, updated + u, []
    if batch:
        a, u = _store(ctx, batch)
        added, updated = added + a, updated + u
    audit.record(ctx, "postcodes.imported", added=added, updated=updated)
    return added, updated


def _store(ctx: ActionContext, batch: list[PostalPlace]) -> tuple[int, int]:
    keys = {(p.country, p.code) for p in batch}
    known = {
        (row.country, row.code): row
        for row in ctx.session.exec(
            select(PostalCode).where(col(PostalCode.code).in_({code for _, code in keys}))
        )
        if (row.country, row.code) in keys
    }
    added = 0
    for p in batch:
        row = known.get((p.country, p.code))
        if row is None:
            ctx.session.add(PostalCode(country=p.country, code=p.code, place=p.place,
                                       lat=p.lat, lon=p.lon))  # fmt: skip
            added += 1
        else:
            row.place, row.lat, row.lon = p.place, p.lat, p.lon
    ctx.session.flush()
    return added, len(batch) - added
