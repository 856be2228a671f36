"""Units of work in one transaction, and hot statements run on the driver's cursor.

Statements from ``ActionContext.execute`` bypass the ORM: they must still be inside the
unit's SAVEPOINT (rolled back with it), and store exactly what ``Connection.execute``
would have stored."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, update
from sqlmodel import col

from mailflow import audit, prepared
from mailflow.actions import savepoint, units
from mailflow.models import Event, Lead
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


def test_a_prepared_run_stores_what_the_orm_would(rt: Runtime, world: World) -> None:
    lead = world.lead()
    now = rt.clock.now()
    values = {
        "at": now,
        "kind": "test.same",
        "lead_id": lead.id,
        "actor": "system",
        "channel": "job",
        "data": {"amount": 12500.5, "text": "Grüße \u2014 ok"},
    }
    with rt.db.transaction() as s:
        conn = s.connection()
        fast = prepared.run(conn, insert(Event).returning(col(Event.id)), values).scalar_one()
        slow = conn.execute(insert(Event).returning(col(Event.id)), values).scalar_one()
        moved = prepared.run(
            conn,
            update(Lead).where(col(Lead.id) == lead.id).values(updated_at=now),
            {},
        )
        assert moved.rowcount == 1
    with rt.db.read() as s:
        rows = {e.id: e for e in s.execute(select(Event)).scalars()}
        stored = s.get(Lead, lead.id)
    assert stored is not None and stored.updated_at == now
    a, b = rows[fast], rows[slow]
    assert (a.at, a.kind, a.lead_id, a.data, a.from_state) == (
        b.at,
        b.kind,
        b.lead_id,
        b.data,
        b.from_state,
    )
    assert a.at == now and a.data == values["data"]


def test_a_statement_it_cannot_run_itself_goes_through_sqlalchemy(
    rt: Runtime, world: World
) -> None:
    lead = world.lead()
    with rt.db.read() as s:
        found = prepared.run(
            s.connection(), select(Lead.id, Lead.created_at).where(col(Lead.id) == lead.id), {}
        ).all()  # a datetime to convert on the way out: SQLAlchemy's own result
    assert found[0][0] == lead.id and found[0][1] == lead.created_at
