"""``python -m scheduler``: the production scheduler process (see Procfile)."""

from __future__ import annotations

import contextlib
import logging

from apscheduler.schedulers.blocking import BlockingScheduler

from config import load_settings
from mailflow.broker import connect
from mailflow.runtime import Runtime
from scheduler import install


def main() -> None:
    settings = load_settings()
    logging.basicConfig(level=settings.log_level)
    rt = Runtime(settings)
    connect(rt, namespace=settings.queue_namespace, worker_threads=0 if settings.redis_url else 2)
    scheduler = BlockingScheduler(timezone=settings.timezone)
    install(scheduler, rt)
    logging.getLogger("scheduler").info("scheduling in time zone %s", scheduler.timezone)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()


if __name__ == "__main__":
    main()
