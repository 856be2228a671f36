"""Two gunicorn instances of one user, each started as the Procfile and the systemd unit
start it (``--config python:mailflow.web.gunicorn_conf``), have a control socket each: each
answers ``gunicornc`` for its own master, and stopping one leaves the other's in place.
(gunicorn's default is one path per user, which the second instance takes from the first
and the first to stop removes.)"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from mailflow.db import migrate
from mailflow.web.gunicorn_conf import socket_path
from tests.conftest import TEST_KEYS
from tests.ops.stack import BIN, ROOT, free_port

ctl = pytest.importorskip("gunicorn.ctl.client", reason="gunicorn before 25.1: no control socket")


def _pid_behind(path: Path) -> int | None:
    """The master pid the control socket at ``path`` answers for; None while it cannot."""
    try:
        with ctl.ControlClient(str(path), timeout=5) as client:
            return int(client.send_command("show stats")["pid"])
    except (OSError, ctl.ControlClientError):
        return None


def _answers(path: Path, pid: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while _pid_behind(path) != pid:
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"no control socket at {path}: {log.read_text()}"
        time.sleep(0.2)


def test_two_gunicorn_instances_each_answer_on_a_control_socket_of_their_own(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    url = f"sqlite:///{data / 'mailflow.sqlite3'}"
    migrate.upgrade(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env.update(
        PYTHONPATH=str(ROOT),
        HOME=str(tmp_path / "home"),  # gunicorn's default would be here, shared by both
        XDG_RUNTIME_DIR=str(tmp_path / "home"),
        MAILFLOW_DATA_DIR=str(data),
        MAILFLOW_DATABASE_URL=url,
        MAILFLOW_SECRET_KEYS=TEST_KEYS,
    )
    (tmp_path / "home").mkdir()
    procs: list[subprocess.Popen[bytes]] = []
    sockets: list[Path] = []
    try:
        for name in ("one", "two"):
            bind = f"127.0.0.1:{free_port()}"
            log = tmp_path / f"{name}.log"
            with log.open("wb") as out:
                procs.append(subprocess.Popen(
                    [str(BIN / "gunicorn"), "--config", "python:mailflow.web.gunicorn_conf",
                     "--workers", "1", "--bind", bind, "mailflow.wsgi:app"],
                    env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                ))  # fmt: skip
            sockets.append(socket_path(data, [bind]))
            _answers(sockets[-1], procs[-1].pid, procs[-1], log)
        one, two = procs
        assert _pid_behind(sockets[0]) == one.pid  # the second did not take it over
        assert not (tmp_path / "home" / "gunicorn.ctl").exists()
        one.terminate()
        one.wait(60)
        assert not sockets[0].exists()
        assert _pid_behind(sockets[1]) == two.pid
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(60)
