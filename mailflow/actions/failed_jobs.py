"""A job that exhausted its retries is recorded in the database (and shown in the console)
instead of vanishing into a broker's dead-letter queue."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from mailflow.models import FailedJob

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)


def record_failed_job(
    rt: Runtime, *, actor: str, message_id: str, args: list[Any], retries: int, error: str
) -> None:
    """Store the failure once (a redelivered message that fails again is recorded already);
    never raises: the worker goes on with its next message."""
    try:
        with rt.db.transaction() as s:
            s.add(
                FailedJob(
                    actor=actor,
                    message_id=message_id,
                    args=args,
                    retries=retries,
                    error=error[:4000],
                    failed_at=rt.clock.now(),
                )
            )
    except IntegrityError:
        pass  # recorded already
    except Exception:
        log.exception("could not record the failed job %s", message_id)
