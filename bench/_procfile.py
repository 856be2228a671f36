"""The Procfile's ``smtp`` and ``worker`` lines as processes of their own, for ``mailflow
bench inbound`` on PostgreSQL: ``mailflow inbound serve`` queueing through Redis, and
worker processes (:mod:`bench._worker`) running the same actors."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import redis
from sqlmodel import col, func, select

from mailflow.db import Database
from mailflow.models import InboundEmail

ROOT = Path(__file__).resolve().parent.parent
Messages = list[tuple[str, str, bytes]]


class Procfile:
    PROCESSES = 2  # the Procfile's worker line, and its threads unless the bench is told
    THREADS = int(os.environ.get("MAILFLOW_BENCH_WORKER_THREADS") or 8)
    TOPOLOGY = (
        f"Procfile: SMTP server process + {PROCESSES} worker processes of {THREADS} threads,"
        " Redis broker"
    )

    def __init__(self, env: dict[str, str], redis_url: str) -> None:
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
        self.namespace = f"bench-{uuid.uuid4().hex}"
        self.redis_url = redis_url
        self.env = {
            **inherited,
            **env,
            "MAILFLOW_REDIS_URL": redis_url,
            "MAILFLOW_QUEUE_NAMESPACE": self.namespace,
            "PYTHONPATH": str(ROOT),
        }
        self.port = free_port()
        self.server: subprocess.Popen[str] | None = None

    def __enter__(self) -> Procfile:
        serve = ["inbound", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        self.server = self.start(["-m", "mailflow.cli", *serve], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not self._answers():
            if self.server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the benchmark's SMTP server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self.server is not None:
            self.server.send_signal(signal.SIGTERM)
            self.server.wait(timeout=60)
        client = redis.Redis.from_url(self.redis_url)
        for key in client.scan_iter(f"{self.namespace}*"):
            client.delete(key)

    def per_s(self, messages: Messages, db: Database | None) -> float:
        """Through the server: with ``db``, until the workers applied every message there;
        without, until the server stored them all (jobs are queued for nobody)."""
        return self.applied_per_s(len(messages), db, lambda: send_all(self.port, messages))

    def applied_per_s(self, count: int, db: Database | None, send: Callable[[], None]) -> float:
        """``count`` messages a second from ``send()`` until the worker processes applied
        them all in ``db`` (without ``db``, no workers: until ``send`` returned)."""
        workers = [self._worker() for _ in range(self.PROCESSES)] if db is not None else []
        try:
            for worker in workers:
                assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
            started = time.perf_counter()
            send()
            while db is not None and applied_count(db) < count:
                if any(worker.poll() is not None for worker in workers):
                    raise RuntimeError("a worker process of the benchmark died")
                time.sleep(0.01)
            return count / (time.perf_counter() - started)
        finally:
            for worker in workers:
                worker.communicate("", timeout=120)

    def _worker(self) -> subprocess.Popen[str]:
        return self.start(["-m", "bench._worker", str(self.THREADS)], stdout=subprocess.PIPE)

    def start(
        self, args: list[str], stdout: Any, stderr: Any = None, env: dict[str, str] | None = None
    ) -> subprocess.Popen[str]:
        """``python ARGS`` with the layout's environment (and ``env`` on top)."""
        return subprocess.Popen(
            [sys.executable, *args],
            stdin=subprocess.PIPE,
            stdout=stdout,
            stderr=stderr,
            env={**self.env, **(env or {})},
            cwd=ROOT,
            text=True,
        )

    def _answers(self) -> bool:
        try:
            with smtplib.SMTP("127.0.0.1", self.port, timeout=2) as smtp:
                return bool(smtp.noop()[0] == 250)
        except OSError:
            return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def send_all(port: int, messages: Messages) -> None:
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, rcpt, raw in messages:
            smtp.sendmail(sender, [rcpt], raw)


def applied_count(db: Database) -> int:
    with db.read() as s:
        return int(s.exec(select(func.count()).where(col(InboundEmail.state) == "applied")).one())
