"""The job queue: Redis when ``MAILFLOW_REDIS_URL`` is set, else in-process.

The in-process variant is dramatiq's StubBroker with a worker thread in the same
process, so the embedded mode runs the very same actors without any service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dramatiq
from dramatiq.brokers.stub import StubBroker

if TYPE_CHECKING:
    from mailflow.runtime import Runtime


def make_broker(redis_url: str | None, namespace: str = "mailflow") -> dramatiq.Broker:
    if redis_url:
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=redis_url, namespace=namespace)
    broker = StubBroker()
    broker.emit_after("process_boot")
    return broker


class JobQueue:
    """Names → dramatiq actors of one broker; what ``Runtime.enqueue`` talks to."""

    def __init__(
        self, broker: dramatiq.Broker, actors: dict[str, dramatiq.Actor[Any, Any]]
    ) -> None:
        self.broker = broker
        self.actors = actors
        self._worker: dramatiq.Worker | None = None

    def send(self, name: str, *args: Any) -> None:
        self.actors[name].send(*args)

    def start_worker(self, threads: int = 4) -> None:
        self._worker = dramatiq.Worker(self.broker, worker_threads=threads, worker_timeout=100)
        self._worker.start()

    def drain(self, timeout_s: float = 30.0) -> None:
        """Wait until every queue is empty and the worker is idle (tests, demo seeding)."""
        for queue_name in list(self.broker.get_declared_queues()):
            self.broker.join(queue_name, timeout=int(timeout_s * 1000))
        if self._worker is not None:
            self._worker.join()

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop(timeout=5000)
            self._worker = None
        self.broker.close()


def connect(rt: Runtime, *, namespace: str = "mailflow", worker_threads: int = 0) -> JobQueue:
    """Declare the actors on a new broker and attach the queue to ``rt``.

    ``worker_threads`` > 0 also runs a worker in this process (embedded mode, tests).
    """
    from dramatiq.middleware import Retries

    from mailflow import jobs
    from mailflow.deadletters import RecordFailures

    broker = make_broker(rt.settings.redis_url, namespace)
    # issue 4: exhausted jobs go to the database. "after" hooks run in reverse order, so
    # sitting before Retries means running after it has decided the message failed.
    broker.add_middleware(RecordFailures(rt), before=Retries)
    dramatiq.set_broker(broker)
    queue = JobQueue(broker, jobs.declare(broker, rt))
    rt.queue = queue
    if worker_threads:
        queue.start_worker(worker_threads)
    return queue
