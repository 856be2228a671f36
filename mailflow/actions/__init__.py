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

from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

__all__ = ["ActionContext", "ActionError", "unit"]


@contextmanager
def unit(rt: Runtime, actor: str, channel: str) -> Iterator[ActionContext]:
    with rt.db.transaction() as session:
        ctx = ActionContext(
            session=session, rt=rt, actor=actor, channel=channel, now=rt.clock.now()
        )
        yield ctx
    rt.after_commit(ctx.outbox_ids, ctx.jobs)
