"""``mailflow health KIND``: one line, exit 0 when the process kind is ready; the SMTP
server's library log shows no reply key."""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from mailflow.actions.inbound.store import store_raw
from mailflow.clock import Clock
from mailflow.inbound.receive.server import make_server
from mailflow.runtime import Runtime
from tests.conftest import TEST_KEYS, make_settings

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _health(rt: Runtime, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env.update(
        MAILFLOW_DATA_DIR=str(rt.settings.data_dir),
        MAILFLOW_DATABASE_URL=rt.settings.database_url,
        MAILFLOW_SECRET_KEYS=TEST_KEYS,
        MAILFLOW_INBOUND_DOMAIN=rt.settings.inbound_domain,
        PYTHONPATH=str(ROOT),
    )
    return subprocess.run(
        [sys.executable, "-m", "mailflow.cli", "health", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def sqlite_rt(tmp_path: Path, sqlite_url: str) -> Runtime:
    return Runtime(make_settings(tmp_path, sqlite_url), clock=Clock())


def test_worker_health_fails_while_a_stored_reply_waits_too_long(sqlite_rt: Runtime) -> None:
    ok = _health(sqlite_rt, "worker")
    assert (ok.returncode, ok.stdout.strip()) == (0, "mailflow health worker: ok")
    limit = sqlite_rt.settings.ready_max_lag_s
    sqlite_rt.clock.set(Clock().now() - timedelta(seconds=limit + 60))  # stored long ago
    raw = b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n"
    store_raw(sqlite_rt, raw, channel="smtp", mail_from="a@example.com", rcpt_to=["x@y.test"])
    late = _health(sqlite_rt, "scheduler")
    assert late.returncode == 1
    assert late.stderr.startswith("mailflow health scheduler: the oldest inbound item waits ")
    assert f"MAILFLOW_READY_MAX_LAG_S={limit}" in late.stderr


def test_smtp_and_web_health_ask_the_running_server(
    sqlite_rt: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    port = _free_port()
    server = make_server(sqlite_rt, "127.0.0.1", port)
    server.start()
    try:
        ok = _health(sqlite_rt, "smtp", "--port", str(port))
        assert ok.returncode == 0, ok.stderr
        key = sqlite_rt.reply_key(7, 9)
        caplog.set_level(logging.INFO, logger="mail.log")
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.mail("partner@example.com")
            smtp.rcpt(f"reply+{key}@{sqlite_rt.settings.inbound_domain}")
            smtp.rset()
    finally:
        server.stop()
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "mail.log")
    assert "reply+<key>@" in logged  # the recipient is logged, without its key
    assert key not in logged
    down = _health(sqlite_rt, "smtp", "--port", str(port))
    assert down.returncode == 1 and "no SMTP server answers" in down.stderr
    web = _health(sqlite_rt, "web", "--url", f"http://127.0.0.1:{_free_port()}")
    assert web.returncode == 1 and "/readyz does not answer" in web.stderr
