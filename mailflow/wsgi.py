"""WSGI entry point for gunicorn: ``gunicorn mailflow.wsgi:app`` (see Procfile)."""

from __future__ import annotations

import logging

from mailflow.broker import connect
from mailflow.runtime import Runtime
from mailflow.settings import load_settings
from mailflow.web import create_app

settings = load_settings()
logging.basicConfig(level=settings.log_level)
runtime = Runtime(settings)
connect(runtime, namespace=settings.queue_namespace, worker_threads=0 if settings.redis_url else 2)
app = create_app(runtime)
