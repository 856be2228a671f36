"""What every action receives: the open transaction, who acts, through which channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

if TYPE_CHECKING:
    from mailflow.models import OutboundEmail
    from mailflow.runtime import Runtime


@dataclass
class ActionContext:
    session: Session
    rt: Runtime
    actor: str  # "contact:12", "api:3", "system", "console:4", "cli"
    channel: str  # web|email|api|cli|job|console
    now: datetime
    outbox: list[OutboundEmail] = field(default_factory=list)
    jobs: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)

    @property
    def outbox_ids(self) -> list[int]:
        """The ids of the emails this unit queued. Rows get their id when the session
        flushes (at the latest at commit), not one INSERT each as they are queued."""
        if any(email.id is None and email in self.session for email in self.outbox):
            self.session.flush()
        return [email.id for email in self.outbox if email.id is not None]

    def later(self, job: str, *args: Any) -> None:
        """Enqueue ``job(*args)`` once this transaction has committed."""
        self.jobs.append((job, args))

    @property
    def settings(self) -> Any:
        return self.rt.settings
