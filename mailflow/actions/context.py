"""What every action receives: the open transaction, who acts, through which channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

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
    # contact id → context keys waiting for the next email to that contact that shows them
    # (:func:`mailflow.actions.outbound.outbox.annotate_next`)
    annotations: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def outbox_ids(self) -> list[int]:
        """The ids of the emails this unit queued."""
        return list(self.outbox)

    def later(self, job: str, *args: Any) -> None:
        """Enqueue ``job(*args)`` once this transaction has committed."""
        self.jobs.append((job, args))

    @property
    def settings(self) -> Any:
        return self.rt.settings
