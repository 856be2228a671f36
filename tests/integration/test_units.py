"""Units of work in one transaction, each in its own SAVEPOINT.

Events are written with INSERT statements, not ORM objects: they must still be inside
the unit's SAVEPOINT (rolled back with it), and store what an ORM Event would."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import col

from mailflow.actions import audit, savepoint, units
from mailflow.models import Event
from mailflow.runtime import Runtime
from tests.factories import World


def _kinds(rt: Runtime) -> list[str]:
    with rt.db.read() as s:
        return list(s.execute(select(Event.kind).order_by(col(Event.id))).scalars())


def test_a_unit_that_raises_takes_its_statements_with_it_and_only_them(rt: Runtime) -> None:
    with units(rt) as batch:
        with batch.unit("system", "job") as ctx:
            audit.record(ctx, "test.first")
        with pytest.raises(RuntimeError), batch.unit("system", "job") as ctx:
            audit.record(ctx, "test.second")
            raise RuntimeError("the second unit fails")
        with batch.unit("system", "job") as ctx:
            audit.record(ctx, "test.third")
    assert _kinds(rt) == ["test.first", "test.third"]


def test_a_nested_savepoint_rolls_back_statements_on_a_connection_taken_before_it(
    rt: Runtime,
) -> None:
    with units(rt) as batch, batch.unit("system", "job") as ctx:
        audit.record(ctx, "test.before")  # the unit's connection is in hand from here
        with pytest.raises(RuntimeError), savepoint(ctx.session):
            audit.record(ctx, "test.inside")
            raise RuntimeError("the inner step fails")
        audit.record(ctx, "test.after")
    assert _kinds(rt) == ["test.before", "test.after"]


def test_a_recorded_event_stores_what_an_orm_event_would(rt: Runtime, world: World) -> None:
    lead = world.lead()
    data = {"amount": 12500.5, "text": "Grüße \u2014 ok"}
    with units(rt) as batch, batch.unit("system", "job") as ctx:
        fast = audit.record(ctx, "test.same", lead_id=lead.id, **data)
        slow = Event(
            at=ctx.now, kind="test.same", lead_id=lead.id, actor="system", channel="job", data=data
        )
        ctx.session.add(slow)
        ctx.session.flush()
        now = ctx.now
    with rt.db.read() as s:
        a, b = s.get(Event, fast), s.get(Event, slow.id)
    assert a is not None and b is not None
    assert (a.at, a.kind, a.lead_id, a.data, a.from_state, a.actor, a.channel) == (
        b.at,
        b.kind,
        b.lead_id,
        b.data,
        b.from_state,
        b.actor,
        b.channel,
    )
    assert a.at == now and a.data == data


def test_events_recorded_together_get_their_ids_in_the_order_given(rt: Runtime) -> None:
    kinds = [f"test.{i:03d}" for i in range(120)]
    with units(rt) as batch, batch.unit("system", "job") as ctx:
        ids = audit.record_all(ctx, [audit.event(ctx, kind, n=i) for i, kind in enumerate(kinds)])
    with rt.db.read() as s:
        stored = {e.id: e for e in s.execute(select(Event)).scalars()}
    assert ids == sorted(ids)
    assert [stored[i].kind for i in ids] == kinds
    assert [stored[i].data for i in ids] == [{"n": i} for i in range(120)]
