"""Jobs that exhausted their retries are recorded in the database (and shown in the
console) instead of vanishing into a broker's dead-letter queue."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import dramatiq
from dramatiq.broker import MessageProxy
from sqlalchemy.exc import IntegrityError

from mailflow.models import FailedJob

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)


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
    try:
        with rt.db.transaction() as s:
            s.add(
                FailedJob(
                    actor=message.actor_name,
                    message_id=message.message_id,
                    args=list(message.args),
                    retries=max(
                        0, int(message.options.get("retries", 1)) - 1
                    ),  # failures - first try
                    error=f"{type(exception).__name__}: {exception}"[:4000],
                    failed_at=rt.clock.now(),
                )
            )
    except IntegrityError:
        pass  # recorded already (a redelivered message failed again)
    except Exception:
        log.exception("could not record the failed job %s", message.message_id)
