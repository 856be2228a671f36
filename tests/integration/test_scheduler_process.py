"""``python -m mailflow.jobs.schedule`` starts, schedules every sweep in its explicit time zone, and
stops cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from mailflow.db import migrate
from tests.conftest import TEST_KEYS

ROOT = Path(__file__).resolve().parents[2]


def test_the_scheduler_process_schedules_the_sweeps_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mailflow.sqlite3'}"
    migrate.upgrade(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env.update(
        MAILFLOW_DATA_DIR=str(tmp_path),
        MAILFLOW_DATABASE_URL=url,
        MAILFLOW_SECRET_KEYS=TEST_KEYS,
        MAILFLOW_TIMEZONE="Europe/Vienna",
        PYTHONPATH=str(ROOT),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailflow.jobs.schedule"],
        env=env,
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        lines.append(line)
        if "Scheduler started" in line or not line:
            break
    proc.send_signal(signal.SIGINT)
    proc.wait(30)
    log = "".join(lines)
    assert "Scheduler started" in log
    for job in ("sweep_offers", "sweep_reminders", "sweep_outbox", "sweep_away", "queue_digest"):
        assert f'Added job "{job}"' in log
    assert "scheduling in time zone Europe/Vienna" in log
    # every line says when: a scheduler's log without times cannot be read against others
    (zone_line,) = [line for line in lines if "scheduling in time zone" in line]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", zone_line), zone_line
    assert proc.returncode == 0
