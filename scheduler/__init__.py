"""The periodic process: it only enqueues idempotent jobs; the state lives in the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.schedulers.base import BaseScheduler

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

# job name → seconds between runs
SWEEPS: dict[str, int] = {
    "sweep_outbox": 60,
    "sweep_inbound": 60,
    # the matcher's performance figures
    "refresh_partner_stats": 3600,
    "sweep_offers": 60,
    "sweep_reminders": 60,
    "sweep_webhooks": 30,  # due webhook retries
    # weekly reports (due per contact at their own weekday and hour)
    "sweep_reports": 600,
}

# job name → cron fields, in the scheduler's explicit time zone
CRONS: dict[str, dict[str, str]] = {
    "sweep_away": {"hour": "5", "minute": "30"},  # daily
    "purge_retention": {"hour": "4", "minute": "15"},  # daily: data past its retention
    "queue_digest": {"day_of_week": "mon", "hour": "7", "minute": "0"},  # weekly
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
    for name, fields in CRONS.items():
        scheduler.add_job(
            rt.enqueue,
            "cron",
            args=[name],
            id=name,
            name=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
            replace_existing=True,
            **fields,
        )
    return scheduler
