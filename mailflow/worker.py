"""Entry point for the dramatiq CLI: ``dramatiq mailflow.worker`` (see Procfile).

Importing this module is the worker process's start-up, so it reads and checks the
settings here: against an unreachable or unmigrated database it takes no job (it would
fail each one) but ends with one line. With ``MAILFLOW_WORKER_METRICS_PORT`` set, each
actor's counters are served on that port (:mod:`mailflow.jobs.metrics`)."""

from __future__ import annotations

from mailflow import logs, preflight
from mailflow.jobs import metrics
from mailflow.jobs.broker import connect
from mailflow.runtime import Runtime

settings = preflight.start("worker")
logs.configure(settings.log_level, settings.log_format)
if not settings.redis_url:
    preflight.refuse(
        "worker",
        "configuration error: the worker process needs MAILFLOW_REDIS_URL "
        "(without it, each process runs its jobs itself)",
    )
runtime = Runtime(settings)
queue = connect(runtime)
broker = queue.broker
if settings.worker_metrics_port:
    broker.add_middleware(metrics.middleware(settings))
