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
    kept: ActionError | None = None
    with rt.db.transaction() as session:
        ctx = ActionContext(
            session=session, rt=rt, actor=actor, channel=channel, now=rt.clock.now()
        )
        try:
            yield ctx
        except ActionError as refusal:
            if not refusal.keeps_writes:
                raise
            kept = refusal  # what it wrote commits; the caller still hears the refusal
    rt.after_commit(ctx.outbox_ids, ctx.jobs)
    if kept is not None:
        raise kept


class Units:
    """Several units of work in one transaction, each in its own SAVEPOINT: a unit that
    raises is rolled back alone and the others still commit together. For batch work
    where one commit per item would cost more than the items (inbound processing)."""

    def __init__(self, rt: Runtime, session: Session) -> None:
        self.rt, self.session = rt, session
        self.now = rt.clock.now()
        self.committed: list[ActionContext] = []

    @contextmanager
    def unit(self, actor: str, channel: str) -> Iterator[ActionContext]:
        ctx = ActionContext(
            session=self.session,
            rt=self.rt,
            actor=actor,
            channel=channel,
            now=self.now,
        )
        with savepoint(self.session):
            yield ctx
        self.committed.append(ctx)


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A SAVEPOINT; when it is rolled back, every loaded row is expired too. Actions
    write some columns with ORM UPDATE statements, which set the new values on the
    loaded rows as committed ones (see ``pick``); the ORM's own rollback does not undo
    those. A refusal that ``keeps_writes`` releases the SAVEPOINT and is raised after."""
    kept: ActionError | None = None
    try:
        with session.begin_nested():
            # SAVEPOINT now, not when the session next wants its connection: Core
            # statements run on the connection itself must be inside it
            session.connection()
            try:
                yield
            except ActionError as refusal:
                if not refusal.keeps_writes:
                    raise
                kept = refusal
    except BaseException:
        session.expire_all()
        raise
    if kept is not None:
        raise kept


@contextmanager
def units(rt: Runtime) -> Iterator[Units]:
    with rt.db.transaction() as session:
        batch = Units(rt, session)
        yield batch
    done = batch.committed
    rt.after_commit([i for c in done for i in c.outbox_ids], [j for c in done for j in c.jobs])
