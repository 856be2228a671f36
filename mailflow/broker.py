"""The job queue: Redis when ``MAILFLOW_REDIS_URL`` is set, else in-process.

The in-process variant is dramatiq's StubBroker with a worker thread in the same
process, so the embedded mode runs the very same actors without any service.
"""

from __future__ import annotations

import threading
import time
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


FLAG_TTL_S = 30.0
# Webhook calls wait on other people's servers: they have a queue of their own, which a
# worker of its own consumes (a process in the Procfile, threads in start_worker), so an
# endpoint that never answers cannot hold back the emails and offers of the others.
WEBHOOKS_QUEUE = "webhooks"
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
        self._flags = _RedisFlags(broker) if hasattr(broker, "client") else _LocalFlags()

    def send(self, name: str, *args: Any) -> None:
        self.actors[name].send(*args)

    def wake(self, flag: str, name: str, *args: Any, ttl_s: float = FLAG_TTL_S) -> bool:
        """Send ``name(*args)`` unless the job of a raised ``flag`` is queued or still at
        work (it will find this work too); True when sent. The job keeps the flag raised
        while it works (:meth:`hold`) and lowers it when it is done (:meth:`lower`). The
        flag expires after ``ttl_s``, so a lost job only delays the next one."""
        if not self._flags.raise_flag(flag, ttl_s):
            return False
        self.send(name, *args)
        return True

    def hold(self, flag: str, *, ttl_s: float = FLAG_TTL_S) -> bool:
        """Raise ``flag`` for the caller's own work; False when it is raised already
        (a job sent for it will do that work)."""
        return self._flags.raise_flag(flag, ttl_s)

    def keep(self, flag: str, *, ttl_s: float = FLAG_TTL_S) -> None:
        """Keep ``flag`` raised for another ``ttl_s`` (a long run of work)."""
        self._flags.keep(flag, ttl_s)

    def lower(self, flag: str) -> None:
        """Lower ``flag``: what needs the work from now on sends a new job."""
        self._flags.lower(flag)

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
        """Wait until every queue is empty and the workers are idle (tests, demo seeding)."""
        for queue_name in list(self.broker.get_declared_queues()):
            self.broker.join(queue_name, timeout=int(timeout_s * 1000))
        for worker in (self._worker, self._webhook_worker):
            if worker is not None:
                worker.join()

    def stop(self) -> None:
        for worker in (self._worker, self._webhook_worker):
            if worker is not None:
                worker.stop(timeout=5000)
        self._worker = self._webhook_worker = None
        self.broker.close()


class _LocalFlags:
    """Wake-up flags of the in-process queue."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._raised: dict[str, float] = {}  # flag → when it expires

    def raise_flag(self, flag: str, ttl_s: float) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._raised.get(flag, 0.0) > now:
                return False
            self._raised[flag] = now + ttl_s
            return True

    def keep(self, flag: str, ttl_s: float) -> None:
        with self._lock:
            self._raised[flag] = time.monotonic() + ttl_s

    def lower(self, flag: str) -> None:
        with self._lock:
            self._raised.pop(flag, None)


class _RedisFlags:
    """Wake-up flags shared by every process on the broker's Redis (``SET NX PX``)."""

    def __init__(self, broker: Any) -> None:
        self._client = broker.client
        self._prefix = f"{broker.namespace}:wake:"

    def raise_flag(self, flag: str, ttl_s: float) -> bool:
        return bool(self._client.set(self._prefix + flag, 1, nx=True, px=int(ttl_s * 1000)))

    def keep(self, flag: str, ttl_s: float) -> None:
        self._client.set(self._prefix + flag, 1, px=int(ttl_s * 1000))

    def lower(self, flag: str) -> None:
        self._client.delete(self._prefix + flag)


def connect(rt: Runtime, *, namespace: str = "mailflow", worker_threads: int = 0) -> JobQueue:
    """Declare the actors on a new broker and attach the queue to ``rt``.

    ``worker_threads`` > 0 also runs a worker in this process (embedded mode, tests).
    """
    from dramatiq.middleware import Retries

    from mailflow import jobs
    from mailflow.deadletters import RecordFailures

    broker = make_broker(rt.settings.redis_url, namespace)
    # exhausted jobs go to the database. "after" hooks run in reverse order, so
    # sitting before Retries means running after it has decided the message failed.
    broker.add_middleware(RecordFailures(rt), before=Retries)
    dramatiq.set_broker(broker)
    queue = JobQueue(broker, jobs.declare(broker, rt))
    rt.queue = queue
    if worker_threads:
        queue.start_worker(worker_threads)
    return queue
