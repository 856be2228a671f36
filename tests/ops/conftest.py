"""The takeover tests' deployment: a fresh PostgreSQL database, a runtime on it, an SMTP
sink, and worker processes on one Redis with a short heartbeat."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailflow.db import migrate
from mailflow.mail.capture import MailCapture
from mailflow.runtime import Runtime
from tests.conftest import TEST_KEYS, make_settings
from tests.ops.stack import Stack, environment
from tests.ops.takeover import HEARTBEAT_S, Takeover
from tests.services import (
    REDIS_URL,
    drop_postgres_database,
    fresh_postgres_database,
    port_open,
    require,
)


@pytest.fixture
def takeover(tmp_path: Path) -> Iterator[Takeover]:
    require(port_open("127.0.0.1", 5432), "PostgreSQL")
    require(port_open("127.0.0.1", 6379), "Redis")
    database = fresh_postgres_database("mailflow_takeover")
    migrate.upgrade(database)
    sink = MailCapture().start()
    env = environment(tmp_path, database, REDIS_URL, sink.url, TEST_KEYS)
    env["MAILFLOW_WORKER_HEARTBEAT_SECONDS"] = str(HEARTBEAT_S)
    rt = Runtime(make_settings(
        tmp_path, database, redis_url=REDIS_URL, smtp_url=sink.url,
        queue_namespace=env["MAILFLOW_QUEUE_NAMESPACE"], redis_prefix=env["MAILFLOW_REDIS_PREFIX"],
        worker_heartbeat_seconds=str(HEARTBEAT_S),
    ))  # fmt: skip
    found = Takeover(database, rt, Stack(env, tmp_path), sink)
    try:
        yield found
    finally:
        found.stop()
        rt.close()
        drop_postgres_database(database)
