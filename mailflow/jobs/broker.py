"""The job queue: Redis when ``MAILFLOW_REDIS_URL`` is set, else in-process.

The in-process variant is dramatiq's StubBroker with a worker thread in the same
process, so the embedded mode runs the very same actors without any service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Retries

from mailflow.jobs import requestids
from mailflow.jobs.actors import WEBHOOKS_QUEUE, declare
from mailflow.jobs.deadletters import RecordFailures
from mailflow.jobs.heartbeat import Heartbeats

if TYPE_CHECKING:
    from mailflow.runtime import Runtime


def make_broker(redis_url: str | None, namespace: str) -> dramatiq.Broker:
    if redis_url:
        return RedisBroker(url=redis_url, namespace=namespace)
    broker = StubBroker()
    broker.emit_after("process_boot")
    return broker


# Webhook calls wait on other people's servers: they have a queue of their own, which a
# worker of its own consumes (a process in the Procfile, threads in start_worker), so an
# endpoint that never answers cannot hold back the emails and offers of the others.
WEBHOOK_THREADS = 2  # an in-process worker's threads for the webhooks queue


class JobQueue:
    """Names → dramatiq actors of one broker; what ``Runtime.enqueue`` talks to."""

    def __init__(
        self, broker: dramatiq.Broker, actors: dict[str, dramatiq.Actor[Any, Any]]
    ) -> None:
        self.broker = broker
        self.actors = actors
        self._worker: dramatiq.Worker | None = None
        self._webhook_worker: dramatiq.Worker | None = None
        self.heartbeats: Heartbeats | None = None

    def send(self, name: str, *args: Any, delay_ms: int = 0) -> None:
        self.actors[name].send_with_options(
            args=args, delay=delay_ms or None, **requestids.options()
        )

    def start_worker(self, threads: int = 4) -> None:
        """Run the jobs in this process: ``threads`` for every queue but the webhooks',
        which get threads of their own (as the Procfile gives them a process)."""
        others = set(self.broker.get_declared_queues()) - {WEBHOOKS_QUEUE}
        self._worker = self._start(others, threads)
        self._webhook_worker = self._start({WEBHOOKS_QUEUE}, WEBHOOK_THREADS)

    def _start(self, queues: set[str], threads: int) -> dramatiq.Worker:
        worker = dramatiq.Worker(
            self.broker, queues=queues, worker_threads=threads, worker_timeout=100
        )
        worker.start()
        return worker

    def drain(self, timeout_s: float = 30.0) -> None:
        """Wait until every queue is empty and the workers are idle (tests, demo seeding).
        A job may queue another on a queue joined before it: in-process, the queues are
        joined again until a whole pass leaves none with work."""
        for _ in range(10):
            for queue_name in list(self.broker.get_declared_queues()):
                self.broker.join(queue_name, timeout=int(timeout_s * 1000))
            for worker in (self._worker, self._webhook_worker):
                if worker is not None:
                    worker.join()
            if not isinstance(self.broker, StubBroker) or not any(
                q.unfinished_tasks for q in self.broker.queues.values()
            ):
                return

    def stop(self) -> None:
        for worker in (self._worker, self._webhook_worker):
            if worker is not None:
                worker.stop(timeout=5000)
        self._worker = self._webhook_worker = None
        if self.heartbeats is not None:
            self.heartbeats.stop()
        self.broker.close()


def connect(rt: Runtime, *, worker_threads: int = 0) -> JobQueue:
    """Declare the actors on a new broker and attach the queue to ``rt``.

    The one place every process (web, worker, scheduler, inbound, CLI) reaches the queue:
    the namespace is always the settings' ``MAILFLOW_QUEUE_NAMESPACE``, so what one process
    sends is what this deployment's workers read. ``worker_threads`` > 0 also runs a worker
    in this process (embedded mode, tests).
    """
    broker = make_broker(rt.settings.redis_url, rt.settings.queue_namespace)
    # exhausted jobs go to the database. "after" hooks run in reverse order, so
    # sitting before Retries means running after it has decided the message failed.
    broker.add_middleware(RecordFailures(rt), before=Retries)
    broker.add_middleware(requestids.RequestIds())
    dramatiq.set_broker(broker)
    queue = JobQueue(broker, declare(broker, rt))
    rt.queue = queue
    if rt.settings.redis_url:
        queue.heartbeats = rt.heartbeats = Heartbeats(
            rt.settings.redis_url, rt.settings.redis_prefix, rt.settings.worker_heartbeat_seconds
        )
    if worker_threads:
        queue.start_worker(worker_threads)
    return queue
