"""What every action receives: the open transaction, who acts, through which channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Executable
from sqlmodel import Session

from mailflow import prepared

if TYPE_CHECKING:
    from mailflow.runtime import Runtime


@dataclass
class ActionContext:
    session: Session
    rt: Runtime
    actor: str  # "contact:12", "api:3", "system", "console:4", "cli"
    channel: str  # web|email|api|cli|job|console
    now: datetime
    outbox: list[int] = field(default_factory=list)  # ids of the emails this unit queued
    jobs: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    _connection: Connection | None = field(default=None, repr=False)

    @property
    def outbox_ids(self) -> list[int]:
        """The ids of the emails this unit queued."""
        return list(self.outbox)

    def execute(self, statement: Executable, params: dict[str, Any]) -> Any:
        """A Core statement prepared once (a module constant) on this transaction's
        connection, after pending ORM changes are flushed (so it sees them, and they
        cannot overwrite it later); run on the driver's cursor (:mod:`mailflow.prepared`).
        Cheaper than the ORM's own execution: for the hot paths (a pick, its events and
        emails), which run by the batch in inbound processing. The result has
        ``rowcount``, ``scalar_one()``, ``scalars()`` and ``all()``."""
        self.session.flush()
        if self._connection is None:  # the unit's transaction keeps one connection
            self._connection = self.session.connection()
        return prepared.run(self._connection, statement, params)

    def later(self, job: str, *args: Any) -> None:
        """Enqueue ``job(*args)`` once this transaction has committed."""
        self.jobs.append((job, args))

    @property
    def settings(self) -> Any:
        return self.rt.settings
