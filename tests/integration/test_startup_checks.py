"""Every process checks its configuration before it starts and refuses a bad one with one
line (no stack trace); ``mailflow check`` prints the same checks; the demo's signing key is
created once, so demos started at once sign alike."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mailflow import preflight
from mailflow.db import migrate
from mailflow.settings import load_settings
from tests.conftest import TEST_KEYS

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE_DB = "postgresql://nobody@127.0.0.1:9/mailflow"


def _env(tmp: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env.update(MAILFLOW_DATA_DIR=str(tmp), PYTHONPATH=str(ROOT))
    env.update({f"MAILFLOW_{k}": v for k, v in values.items()})
    return env


def _run(
    args: list[str], env: dict[str, str], timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def _migrated(tmp: Path) -> str:
    url = f"sqlite:///{tmp / 'mailflow.sqlite3'}"
    migrate.upgrade(url)
    return url


# -- secret keys ---------------------------------------------------------------------------
def test_without_keys_a_process_outside_the_demo_refuses_instead_of_making_one_up(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path, DATABASE_URL=_migrated(tmp_path))
    settings = load_settings(env)
    assert settings.secret_keys == ()
    assert not (tmp_path / "secret_key").exists()
    failed = preflight.errors(preflight.run(settings))
    assert [f.name for f in failed] == ["secret keys"]
    assert "MAILFLOW_SECRET_KEYS" in failed[0].detail
    done = _run([sys.executable, "-m", "mailflow.jobs.schedule"], env)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"mailflow scheduler: secret keys: {failed[0].detail}"
    ]
    assert not (tmp_path / "secret_key").exists()


KEY_SCRIPT = """
import sys, time
from pathlib import Path
from mailflow.settings import demo_secret_key
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
print(demo_secret_key(Path(sys.argv[1])))
"""


def test_eight_demos_started_at_once_agree_on_one_key(tmp_path: Path) -> None:
    for trial in range(5):
        data = tmp_path / f"trial{trial}"
        start_at = time.time() + 2.0  # every process waits for the same instant
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", KEY_SCRIPT, str(data), str(start_at)],
                env=_env(data),
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(8)
        ]
        keys = {proc.communicate(timeout=60)[0].strip() for proc in procs}
        assert len(keys) == 1, keys
        (key,) = keys
        assert len(key) >= 32
        assert (data / "secret_key").read_text(encoding="utf-8").strip() == key
        assert sorted(p.name for p in data.iterdir()) == ["secret_key"]  # nothing left aside
        assert (data / "secret_key").stat().st_mode & 0o077 == 0


# -- processes refuse a bad configuration with one line ------------------------------------
def test_the_scheduler_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    env = _env(tmp_path, DATABASE_URL=f"sqlite:///{empty}", SECRET_KEYS=TEST_KEYS)
    done = _run([sys.executable, "-m", "mailflow.jobs.schedule"], env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("mailflow scheduler: database: ")
    assert lines[0].endswith("is empty: run mailflow db upgrade")


def test_gunicorn_stops_with_one_line_when_the_database_is_unreachable(tmp_path: Path) -> None:
    env = _env(tmp_path, DATABASE_URL=UNREACHABLE_DB, SECRET_KEYS=TEST_KEYS)

    def gunicorn(workers: int) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "--workers", str(workers), "-b", "127.0.0.1:0"]

    config = ["--config", "python:mailflow.web.gunicorn_conf"]  # as the Procfile runs it
    done = _run([*gunicorn(4), *config, "mailflow.wsgi:app"], env)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("mailflow web: database: cannot reach")
    assert "Traceback" not in done.stderr
    assert "Booting worker" not in done.stderr  # the master checked before any worker
    # without the hook each worker checks, and gunicorn stops instead of respawning them
    done = _run([*gunicorn(1), "mailflow.wsgi:app"], env)
    assert done.returncode == 4
    assert "Traceback" not in done.stderr
    ours = [line for line in done.stderr.splitlines() if line.startswith("mailflow web: ")]
    assert ours and ours[0].startswith("mailflow web: database: cannot reach")


def test_the_worker_takes_no_job_from_an_unmigrated_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    env = _env(
        tmp_path,
        DATABASE_URL=f"sqlite:///{empty}",
        SECRET_KEYS=TEST_KEYS,
        REDIS_URL="redis://127.0.0.1:6379/0",
        QUEUE_NAMESPACE=f"mailflow-start-{os.getpid()}",
    )
    args = [sys.executable, "-m", "dramatiq", "--processes", "1", "--threads", "1"]
    done = _run([*args, "mailflow.worker"], env)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    ours = [line for line in done.stderr.splitlines() if line.startswith("mailflow worker: ")]
    assert ours == [
        f"mailflow worker: database: sqlite:///{empty} is empty: run mailflow db upgrade"
    ]


def test_the_inbound_server_refuses_an_unreachable_redis(tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        DATABASE_URL=_migrated(tmp_path),
        SECRET_KEYS=TEST_KEYS,
        REDIS_URL="redis://127.0.0.1:9/0",
    )
    done = _run([sys.executable, "-m", "mailflow.cli", "inbound", "serve", "--port", "0"], env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mailflow inbound serve: redis: cannot reach")


# -- mailflow check ----------------------------------------------------------------------------
def test_check_passes_a_good_configuration_and_names_each_mistake(tmp_path: Path) -> None:
    good = dict(
        DATABASE_URL=_migrated(tmp_path),
        SECRET_KEYS=TEST_KEYS,
        BASE_URL="https://leads.example.com",
        INBOUND_DOMAIN="reply.example.com",
    )
    done = _run([sys.executable, "-m", "mailflow.cli", "check"], _env(tmp_path, **good))
    assert done.returncode == 0, done.stdout + done.stderr
    # six checks, push's key made on this first start
    assert [line.split()[0] for line in done.stdout.splitlines()] == ["OK"] * 6

    broken = {
        "RING_SIZE": ("three", "MAILFLOW_RING_SIZE: expected a whole number", 2),
        "INBOUND_DOMAIN": ("reply example", "is not a domain name", 1),
        "DATABASE_URL": (UNREACHABLE_DB, "cannot reach postgresql+psycopg://nobody@", 1),
    }
    for name, (value, message, code) in broken.items():
        done = _run(
            [sys.executable, "-m", "mailflow.cli", "check"],
            _env(tmp_path, **{**good, name: value}),
        )
        assert done.returncode == code, (name, done.stdout, done.stderr)
        assert message in done.stdout + done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize("old", ["0001"])
def test_check_names_the_revision_to_upgrade_from(tmp_path: Path, old: str) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    migrate.upgrade(url, old)
    settings = load_settings(_env(tmp_path, DATABASE_URL=url, SECRET_KEYS=TEST_KEYS))
    (database,) = [f for f in preflight.run(settings) if f.name == "database"]
    assert database.level == "error"
    assert f"at revision {old}, the code needs {migrate.head()}" in database.detail
