"""A worker killed (SIGKILL) while it holds claimed work, and a healthy worker taking it
over: real worker processes on one PostgreSQL and one Redis, with a heartbeat short enough
for a test to wait out. The ``takeover`` fixture (conftest.py) builds one."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from mailflow.jobs.broker import JobQueue, connect
from mailflow.mail.capture import MailCapture
from mailflow.runtime import Runtime
from tests.ops.stack import Stack

HEARTBEAT_S = 3  # the least the setting allows: the tests wait for it to expire
TAKEOVER_LIMIT_S = 120  # far below the claims' leases (5 and 10 minutes)


@dataclass
class Takeover:
    """``database``, a fresh PostgreSQL database; ``rt``, a runtime on it, which queues
    nothing until ``connect``; ``sink``, the SMTP relay; ``stack``, the worker processes,
    on the runtime's queue."""

    database: str
    rt: Runtime
    stack: Stack
    sink: MailCapture
    queue: JobQueue | None = None

    def connect(self) -> JobQueue:
        """The job queue, attached to ``rt`` once the test's work is stored: until then the
        work waits for the workers to take it."""
        self.queue = connect(self.rt)
        return self.queue

    def outlive_a_heartbeat(self) -> None:
        time.sleep(HEARTBEAT_S + 1)  # longer than a heartbeat lives: a live one was renewed

    def kill(self, worker: str) -> float:
        """SIGKILL ``worker`` and its children; the moment of the kill."""
        self.stack.kill(worker)
        return time.monotonic()

    def sweep_until(self, done: Callable[[], bool], sweep: str, killed: float) -> float:
        """Send ``sweep`` every second, as the scheduler does every minute, until ``done``;
        the seconds since ``killed``. The healthy worker's log says why when it takes too long."""
        assert self.queue is not None, "connect first"
        while not done():
            assert time.monotonic() - killed < TAKEOVER_LIMIT_S, self.stack.log("healthy")
            self.queue.send(sweep)
            time.sleep(1)
        return time.monotonic() - killed

    def stop(self) -> None:
        """The queue and every process; again (at teardown) does nothing more."""
        if self.queue is not None:
            self.queue.stop()
            self.queue = None
        self.stack.stop()
        self.sink.stop()
