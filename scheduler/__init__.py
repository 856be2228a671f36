"""The periodic process: it only enqueues idempotent jobs; the state lives in the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.schedulers.base import BaseScheduler

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

# job name → seconds between runs
SWEEPS: dict[str, int] = {
    "sweep_outbox": 60,
    # issue 5: weekly reports (due per contact at their own weekday and hour)
    "sweep_reports": 600,
}


def install(scheduler: BaseScheduler, rt: Runtime) -> BaseScheduler:
    """Add every sweep to ``scheduler``; coalescing means a late scheduler runs each once."""
    for name, seconds in SWEEPS.items():
        scheduler.add_job(
            rt.enqueue,
            "interval",
            args=[name],
            seconds=seconds,
            id=name,
            name=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=seconds,
            replace_existing=True,
        )
    return scheduler
