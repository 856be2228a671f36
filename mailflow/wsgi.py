"""WSGI entry point for gunicorn: ``gunicorn mailflow.wsgi:app`` (see Procfile).

The start-up checks run first: a configuration mistake ends the process with one line
and exit code 4, which gunicorn reads as "the application cannot load" and stops (any
other code would make it start the worker again, and again)."""

from __future__ import annotations

from mailflow import logs, preflight
from mailflow.jobs.broker import connect
from mailflow.runtime import Runtime
from mailflow.web import create_app
from mailflow.web.logredact import redact

GUNICORN_APP_LOAD_ERROR = 4

try:
    settings = preflight.start("web")
except SystemExit:
    raise SystemExit(GUNICORN_APP_LOAD_ERROR) from None
logs.configure(settings.log_level, settings.log_format, redact)
runtime = Runtime(settings)
connect(runtime, worker_threads=0 if settings.redis_url else 2)
app = create_app(runtime)
