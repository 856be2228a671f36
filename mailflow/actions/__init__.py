"""Actions: the only code that changes state.

Each action is a function ``verb(ctx, ...)`` that runs inside one transaction opened by
:func:`unit`; it checks the rules, changes rows, records Events and queues
OutboundEmails. Emails and follow-up jobs are handed to the queue only after the
transaction has committed (carrying ids, never objects).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlmodel import Session

from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

__all__ = ["ActionContext", "ActionError", "Units", "savepoint", "unit", "units"]


@contextmanager
def unit(rt: Runtime, actor: str, channel: str) -> Iterator[ActionContext]:
    with rt.db.transaction() as session:
        ctx = ActionContext(
            session=session, rt=rt, actor=actor, channel=channel, now=rt.clock.now()
        )
        yield ctx
    rt.after_commit(ctx.outbox_ids, ctx.jobs)


class Units:
    """Several units of work in one transaction, each in its own SAVEPOINT: a unit that
    raises is rolled back alone and the others still commit together. For batch work
    where one commit per item would cost more than the items (inbound processing)."""

    def __init__(self, rt: Runtime, session: Session) -> None:
        self.rt, self.session = rt, session
        self.now = rt.clock.now()
        self.committed: list[ActionContext] = []
        self._connection = session.connection()  # the transaction's, shared by the units

    @contextmanager
    def unit(self, actor: str, channel: str) -> Iterator[ActionContext]:
        ctx = ActionContext(
            session=self.session,
            rt=self.rt,
            actor=actor,
            channel=channel,
            now=self.now,
            _connection=self._connection,
        )
        with savepoint(self.session):
            yield ctx
        self.committed.append(ctx)


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A SAVEPOINT; when it is rolled back, every loaded row is expired too. Actions
    write some columns with prepared UPDATEs and set them on the loaded rows as
    committed values (see ``pick``), which the ORM's own rollback does not undo."""
    try:
        with session.begin_nested():
            # SAVEPOINT now, not when the session next wants its connection: statements
            # run on the connection itself (``ActionContext.execute``) must be inside it
            session.connection()
            yield
    except BaseException:
        session.expire_all()
        raise


@contextmanager
def units(rt: Runtime) -> Iterator[Units]:
    with rt.db.transaction() as session:
        batch = Units(rt, session)
        yield batch
    done = batch.committed
    rt.after_commit([i for c in done for i in c.outbox_ids], [j for c in done for j in c.jobs])
