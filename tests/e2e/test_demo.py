"""``mailflow demo`` as a newcomer runs it: a subprocess on the embedded default, driven
only through the JSON API and ``/dev/mail/api/messages``."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

KEY = "demo-test-key-0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[str]:
    port, smtp_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env["MAILFLOW_DATA_DIR"] = str(tmp_path / "data")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mailflow.cli",
            "demo",
            "--port",
            str(port),
            "--smtp-port",
            str(smtp_port),
            "--api-key",
            KEY,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
    yield base
    proc.send_signal(signal.SIGINT)
    output = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0, output
    assert "Stopped." in output
    assert "/a/<token>" in output  # requests to action links were logged …
    assert not re.search(r"/a/[\w.-]{20,}", output)  # … without their token


def _wait(predicate, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_the_demo_runs_the_loop_through_the_api_and_the_mail_capture(demo: str) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}
    lead = {
        "customer_name": "Max Muster",
        "customer_email": "max@muster.example",
        "customer_phone": "+49 711 42",
        "customer_street": "Schillerstraße 5",
        "postal_code": "70173",
        "city": "Stuttgart",
        "country": "DE",
        "requirement": "Heat pump for a family house",
        "temperature": "hot",
    }
    created = requests.post(f"{demo}/api/v1/leads", json=lead, headers=auth, timeout=10)
    assert created.status_code == 201
    lead_id = created.json()["id"]
    got = _wait(
        lambda: (
            (r := requests.get(f"{demo}/api/v1/leads/{lead_id}", headers=auth, timeout=10).json())[
                "state"
            ]
            == "offered"
            and r
        )
    )
    assert len(got["offers"]) == 3 and got["owner"] is None

    def offers() -> list[dict]:  # type: ignore[type-arg]
        mails = requests.get(f"{demo}/dev/mail/api/messages", timeout=10).json()
        return [m for m in mails if "Stuttgart" in m["subject"]]

    mails = _wait(lambda: len(offers()) == 3 and offers())
    assert {"id", "to", "subject", "html", "text", "received_at"} <= set(mails[0])
    for mail in mails:
        assert "Max Muster" not in mail["html"] and "max@muster.example" not in mail["html"]
    pick = re.search(r'href="([^"]+)"[^>]*data-action="pick"', mails[0]["html"]).group(1)  # type: ignore[union-attr]
    assert requests.get(pick, timeout=10).status_code == 200
    assert requests.post(pick, timeout=10).status_code == 200
    other = re.search(r'href="([^"]+)"[^>]*data-action="pick"', mails[1]["html"]).group(1)  # type: ignore[union-attr]
    assert requests.post(other, timeout=10).status_code == 409
    final = requests.get(f"{demo}/api/v1/leads/{lead_id}", headers=auth, timeout=10).json()
    assert final["state"] == "picked" and final["owner"]["name"]
    page = requests.get(f"{demo}/dev/mail", timeout=10)
    assert page.status_code == 200 and mails[0]["to"] in page.text


def _start(data: Path) -> tuple[subprocess.Popen[str], str]:
    port, smtp_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env["MAILFLOW_DATA_DIR"] = str(data)
    command = [sys.executable, "-m", "mailflow.cli", "demo", "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--smtp-port", str(smtp_port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
    return proc, base


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    output = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0, output
    return output


def test_a_restart_keeps_the_mail_and_shows_the_api_key_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    proc, base = _start(data)
    try:
        start = requests.get(f"{base}/", headers={"Accept-Language": "de-DE"}, timeout=10)
        assert start.status_code == 200 and "Die mailflow-Demo" in start.text
        assert "ops@nordwind.example" in start.text  # the console login, to try it
        mails = _wait(lambda: requests.get(f"{base}/dev/mail/api/messages", timeout=10).json())
    finally:
        first = _stop(proc)
    key = re.search(r"API key\s+(mf_\S+)", first)
    assert key is not None, first
    proc, base = _start(data)
    try:
        kept = requests.get(f"{base}/dev/mail/api/messages", timeout=10).json()
        assert [m["id"] for m in kept[: len(mails)]] == [m["id"] for m in mails]
        auth = {"Authorization": f"Bearer {key.group(1)}"}
        assert requests.get(f"{base}/api/v1/leads", headers=auth, timeout=10).status_code == 200
    finally:
        second = _stop(proc)
    assert f"API key         {key.group(1)}" in second  # the same key, shown again
