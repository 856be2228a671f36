"""``mailflow inbound serve --metrics-port`` serves the SMTP server's accepted and refused
replies in Prometheus format."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

from mailflow.db import migrate
from tests.conftest import TEST_KEYS
from tests.ops.stack import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_the_smtp_servers_metrics_port_counts_accepted_and_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mailflow.sqlite3'}"
    migrate.upgrade(url)
    port, metrics_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env.update(
        PYTHONPATH=str(ROOT),
        MAILFLOW_DATA_DIR=str(tmp_path),
        MAILFLOW_DATABASE_URL=url,
        MAILFLOW_SECRET_KEYS=TEST_KEYS,
        MAILFLOW_INBOUND_DOMAIN="reply.mailflow.test",
    )
    argv = [sys.executable, "-m", "mailflow.cli", "inbound", "serve", "--port", str(port),
            "--metrics-port", str(metrics_port)]  # fmt: skip
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert "inbound SMTP" in proc.stdout.readline()
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.ehlo()
            assert smtp.mail("dealer@example.com")[0] == 250
            assert smtp.rcpt("someone@elsewhere.example")[0] == 550
            assert smtp.rcpt("reply+forged@reply.mailflow.test")[0] == 550
            assert smtp.rcpt("postmaster@reply.mailflow.test")[0] == 250
        deadline = time.monotonic() + 20
        while True:
            try:
                text = requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    counts = {
        (s.labels["command"], s.labels["result"]): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "mailflow_smtp_replies_total"
    }
    assert counts == {("MAIL", "accepted"): 1, ("RCPT", "refused"): 2, ("RCPT", "accepted"): 1}
