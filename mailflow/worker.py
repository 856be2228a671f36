"""Entry point for the dramatiq CLI: ``dramatiq mailflow.worker`` (see Procfile).

Importing this module is the worker process's start-up, so it reads the settings here.
"""

from __future__ import annotations

import logging

from mailflow.broker import connect
from mailflow.runtime import Runtime
from mailflow.settings import load_settings

settings = load_settings()
logging.basicConfig(level=settings.log_level)
if not settings.redis_url:
    raise SystemExit("the worker process needs MAILFLOW_REDIS_URL; the embedded mode runs its own")
runtime = Runtime(settings)
queue = connect(runtime, namespace=settings.queue_namespace)
broker = queue.broker
