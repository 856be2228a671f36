"""The worker's dead letters: a job that exhausted its retries is handed to
:func:`~mailflow.actions.failed_jobs.record_failed_job`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dramatiq
from dramatiq.broker import MessageProxy

from mailflow.actions.failed_jobs import record_failed_job

if TYPE_CHECKING:
    from mailflow.runtime import Runtime


class RecordFailures(dramatiq.Middleware):
    """After the Retries middleware gave up on a message (``message.failed``), store it."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        if exception is None or not message.failed:
            return
        record(self.rt, message, exception)


def record(rt: Runtime, message: MessageProxy, exception: BaseException) -> None:
    record_failed_job(
        rt,
        actor=message.actor_name,
        message_id=message.message_id,
        args=list(message.args),
        retries=max(0, int(message.options.get("retries", 1)) - 1),  # failures - first try
        error=f"{type(exception).__name__}: {exception}",
    )
