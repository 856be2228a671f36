"""A deployment in processes: gunicorn web processes, dramatiq workers and schedulers
against one PostgreSQL database and one Redis, with a real SMTP sink."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(
    tmp: Path, database_url: str, redis_url: str, smtp_url: str, keys: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    tag = secrets.token_hex(4)
    env.update(
        PYTHONPATH=str(ROOT),
        MAILFLOW_DATA_DIR=str(tmp),
        MAILFLOW_DATABASE_URL=database_url,
        MAILFLOW_REDIS_URL=redis_url,
        MAILFLOW_QUEUE_NAMESPACE=f"mailflow-scale-{tag}",
        MAILFLOW_REDIS_PREFIX=f"mailflow-scale-{tag}:",
        MAILFLOW_SMTP_URL=smtp_url,
        MAILFLOW_SECRET_KEYS=keys,
        MAILFLOW_BASE_URL="http://mailflow.test",
        MAILFLOW_INBOUND_DOMAIN="reply.mailflow.test",
        MAILFLOW_MAIL_FROM="Nordwind Leads <leads@nordwind.test>",
        MAILFLOW_INBOUND_WEBHOOK_SECRET="scale-out-secret",
        MAILFLOW_API_RATE_PER_MINUTE="1000000",
        MAILFLOW_LOG_LEVEL="WARNING",
    )
    return env


@dataclass
class Stack:
    env: dict[str, str]
    tmp: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    web_ports: dict[str, int] = field(default_factory=dict)

    def _start(self, name: str, argv: list[str], **env: str) -> None:
        log = (self.tmp / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(
            argv,
            env={**self.env, **env},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed with its children
        )

    def web(self, name: str, threads: int = 8) -> None:
        port = free_port()
        self.web_ports[name] = port
        self._start(
            name,
            [str(BIN / "gunicorn"), "--config", "python:mailflow.web.gunicorn_conf",
             "--workers", "1", "--threads", str(threads), "--bind",
             f"127.0.0.1:{port}", "--logger-class", "mailflow.web.logredact.GunicornLogger",
             "mailflow.wsgi:app"],
        )  # fmt: skip

    def worker(self, name: str, threads: int = 8, metrics_port: int = 0, **env: str) -> None:
        self._start(
            name,
            [str(BIN / "dramatiq"), "--processes", "1", "--threads", str(threads),
             "mailflow.worker"],
            MAILFLOW_WORKER_METRICS_PORT=str(metrics_port),
            MAILFLOW_WORKER_METRICS_DIR=str(self.tmp / f"{name}-metrics"),
            **env,
        )  # fmt: skip

    def scheduler(self, name: str) -> None:
        self._start(name, [sys.executable, "-m", "mailflow.jobs.schedule"])

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.web_ports[name]}"

    def wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        for name in self.web_ports:
            while True:
                try:
                    with urllib.request.urlopen(self.url(name) + "/readyz", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline or self.procs[name].poll() is not None:
                    raise AssertionError(f"{name} did not start: {self.log(name)}")
                time.sleep(0.2)

    def kill(self, name: str) -> None:
        """The process and its children at once, with no chance to finish anything."""
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait(60)

    def terminate(self, name: str) -> None:
        """SIGTERM to the main process only, as systemd's KillMode=mixed and container
        runtimes send it: dramatiq finishes its jobs and stops its worker processes."""
        self.procs[name].send_signal(signal.SIGTERM)
        self.procs[name].wait(120)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
