"""``python -m mailflow.jobs.schedule``: the periodic process (the Procfile's ``scheduler``).

It only enqueues idempotent jobs; the state lives in the database."""

from __future__ import annotations

import contextlib
import logging

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from mailflow import logs, preflight
from mailflow.jobs.broker import connect
from mailflow.runtime import Runtime

# job name → seconds between runs
SWEEPS: dict[str, int] = {
    "sweep_outbox": 60,
    "sweep_inbound": 60,
    # the matcher's performance figures
    "refresh_partner_stats": 3600,
    "sweep_offers": 60,
    "sweep_reminders": 60,
    "sweep_questions": 600,  # "did you mean …?" questions unanswered for a day → review
    "sweep_webhooks": 30,  # due webhook retries
    # weekly reports (due per contact at their own weekday and hour)
    "sweep_reports": 600,
    "sweep_connections": 60,  # a mailbox in trouble → one email to the admins
    "send_offer_digests": 300,  # cold leads' offers held for a contact's digest slot
    "sweep_away": 300,  # away periods begun: the offers open to the partner are handed on
}

# job name → cron fields, in the scheduler's explicit time zone
CRONS: dict[str, dict[str, str]] = {
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


def main() -> None:
    settings = preflight.start("scheduler")
    logs.configure(settings.log_level, settings.log_format)
    rt = Runtime(settings)
    connect(rt, worker_threads=0 if settings.redis_url else 2)
    scheduler = BlockingScheduler(timezone=settings.timezone)
    install(scheduler, rt)
    logging.getLogger("scheduler").info("scheduling in time zone %s", scheduler.timezone)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()


if __name__ == "__main__":
    main()
