"""Worker heartbeats: who still holds its claims.

A process that claims outbound emails or inbound replies writes a key of its own in Redis
that expires after ``MAILFLOW_WORKER_HEARTBEAT_SECONDS`` and refreshes it three times as
often. The claim carries the process's id, so the outbox and inbound sweeps can hand back
at once the claims of a process whose key has expired (killed, out of memory, its machine
gone) instead of waiting for the claims' leases (10 and 5 minutes). Redis expires the key
by its own clock: no two machines' clocks are compared. Without Redis (the embedded mode)
there are no heartbeats and the lease alone decides.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterable

import redis

log = logging.getLogger(__name__)
TIMEOUT_S = 2.0  # a Redis that does not answer in this time counts as unreachable
_REDIS_ERRORS = (redis.RedisError, OSError)


class Heartbeats:
    def __init__(self, redis_url: str, prefix: str, seconds: int) -> None:
        self._client = redis.Redis.from_url(
            redis_url, socket_connect_timeout=TIMEOUT_S, socket_timeout=TIMEOUT_S
        )
        self._prefix = f"{prefix}worker:"
        self.seconds = seconds
        self._lock = threading.Lock()
        self._pid = 0
        self._id: str | None = None
        self._stop = threading.Event()

    def worker_id(self) -> str | None:
        """This process's id while its heartbeat is in Redis (the first call beats once
        and starts the thread that keeps it there); None when Redis cannot be reached,
        and the claim then falls back to its lease."""
        if self._stop.is_set():
            return None
        with self._lock:
            if self._pid != os.getpid():  # a fork shares no thread and no id with its parent
                self._pid, self._id = os.getpid(), None
            if self._id is None:
                worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
                if not self._beat(worker):
                    return None
                self._id = worker
                threading.Thread(
                    target=self._run, args=(worker,), name="heartbeat", daemon=True
                ).start()
            return self._id

    def alive(self, worker_ids: Iterable[str]) -> set[str] | None:
        """Which of ``worker_ids`` still beat; None when Redis cannot tell: unreachable, or
        restarted less than a heartbeat ago (it came back without the keys, which the live
        workers have not all written again yet)."""
        ids = sorted(set(worker_ids))
        if not ids:
            return set()
        try:
            if int(self._client.info("server")["uptime_in_seconds"]) < self.seconds:
                return None
            found = self._client.exists  # one round trip per id: a handful of workers
            return {worker for worker in ids if found(self._prefix + worker)}
        except _REDIS_ERRORS as exc:
            log.warning("worker heartbeats unreadable (%s): claims wait for their lease", exc)
            return None

    def stop(self) -> None:
        """End the beating (an in-process worker that stops); the key then expires."""
        self._stop.set()

    def _beat(self, worker: str) -> bool:
        try:
            self._client.set(self._prefix + worker, "1", ex=self.seconds)
        except _REDIS_ERRORS as exc:
            log.warning("worker heartbeat not written (%s)", exc)
            return False
        return True

    def _run(self, worker: str) -> None:
        while not self._stop.wait(self.seconds / 3):
            self._beat(worker)
