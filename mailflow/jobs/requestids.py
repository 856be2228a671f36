"""The request id travels with a job: sent in the message's options, bound around its run
in the worker (so the job's log lines, and the jobs it enqueues in turn, carry it)."""

from __future__ import annotations

import contextvars
import logging
import time
from typing import Any

import dramatiq
from dramatiq.broker import MessageProxy

from mailflow import logs

OPTION = "request_id"
log = logging.getLogger(__name__)


class RequestIds(dramatiq.Middleware):
    def __init__(self) -> None:
        self._tokens: dict[str, tuple[contextvars.Token[str | None], float]] = {}

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        rid = message.options.get(OPTION) or f"job-{message.message_id}"
        self._tokens[message.message_id] = (logs.bind(str(rid)), time.monotonic())

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        bound = self._tokens.pop(message.message_id, None)
        if bound is None:
            return
        token, started = bound
        log.debug(
            "job %s %s in %.0f ms",
            message.actor_name,
            "failed" if exception is not None else "done",
            (time.monotonic() - started) * 1000,
        )
        logs.unbind(token)

    after_skip_message = after_process_message


def options() -> dict[str, Any]:
    """The options a job sent now carries: the current request id, if any."""
    rid = logs.request_id()
    return {OPTION: rid} if rid else {}
