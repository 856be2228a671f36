"""The worker's metrics: dramatiq's Prometheus middleware counts each actor's messages,
errors, retries, dead letters and durations in every worker process (multiprocess files in
one directory); a fork of the ``dramatiq`` command serves their sum on
``MAILFLOW_WORKER_METRICS_PORT``.

dramatiq's own exposition fork reads its port and directory from ``dramatiq_prom_*``
variables in the parent process, which the settings never reach; this fork reads the
settings itself, so one ``MAILFLOW_*`` environment configures both sides. One directory
and one port per ``dramatiq`` command (``MAILFLOW_WORKER_METRICS_DIR``, default: a
directory named for the port under the system's temporary directory)."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any

from mailflow.settings import Settings, load_settings

log = logging.getLogger(__name__)


def metrics_dir(settings: Settings) -> str:
    return os.environ.get("MAILFLOW_WORKER_METRICS_DIR") or os.path.join(
        tempfile.gettempdir(), f"mailflow-worker-metrics-{settings.worker_metrics_port}"
    )


def middleware(settings: Settings) -> Any:
    """dramatiq's Prometheus middleware writing to this worker's directory, with our fork."""
    directory = metrics_dir(settings)
    os.makedirs(directory, exist_ok=True)
    # the middleware module reads the directory when imported (and creates it)
    os.environ["dramatiq_prom_db"] = directory  # noqa: SIM112 (dramatiq's spelling)
    # prometheus_client picks file-backed values when first imported with this variable
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    if "prometheus_client" in sys.modules:
        log.warning("prometheus_client was imported before the worker set its directory")
    from dramatiq.middleware.prometheus import Prometheus  # after the variable above

    class WorkerMetrics(Prometheus):
        @property
        def forks(self) -> list[Callable[[], int]]:
            return [serve]

    return WorkerMetrics()


def serve() -> int:
    """The fork: the sum of the worker processes' counters, until the command stops."""
    from prometheus_client import CollectorRegistry, MetricsHandler, multiprocess  # after its dir

    settings = load_settings()
    directory = metrics_dir(settings)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)
    handler = MetricsHandler.factory(registry)
    server = ThreadingHTTPServer(("127.0.0.1", settings.worker_metrics_port), handler)
    log.info("worker metrics on 127.0.0.1:%s", settings.worker_metrics_port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
