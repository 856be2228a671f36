"""A job worker process for ``mailflow bench inbound``: the Procfile's ``worker`` (the same
actors on a Redis broker) for one benchmark database, with new emails left in the outbox
as in the in-process measurement.

Run as ``python -m bench._worker``; settings from the environment. Prints ``ready`` once
it consumes, and stops when its standard input closes."""

from __future__ import annotations

import logging
import sys

from mailflow.jobs.broker import connect
from mailflow.runtime import Runtime
from mailflow.settings import load_settings


def main() -> None:
    settings = load_settings()
    logging.basicConfig(level=settings.log_level)
    rt = Runtime(settings)
    rt.send_mail_now = False
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    queue = connect(rt, worker_threads=threads)
    print("ready", flush=True)
    sys.stdin.read()  # the benchmark closes it when it is done
    queue.stop()
    rt.close()


if __name__ == "__main__":
    main()
