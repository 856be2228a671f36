"""Every process sends its jobs to the queue of ``MAILFLOW_QUEUE_NAMESPACE``: a job sent
under another namespace is never read by this deployment's workers (and, on a shared Redis,
may be taken by another deployment's)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from mailflow.cli import csv as csv_cli
from mailflow.cli import inbound as inbound_cli
from mailflow.jobs.broker import connect
from mailflow.runtime import Runtime
from mailflow.settings import Settings
from tests.conftest import make_settings
from tests.services import REDIS_URL, port_open, require


@pytest.fixture
def namespaced(tmp_path: Path, sqlite_url: str) -> Iterator[tuple[Settings, redis.Redis]]:
    require(port_open("127.0.0.1", 6379), "Redis at 127.0.0.1:6379")
    name = f"mailflow-ns-{uuid.uuid4().hex[:8]}"
    settings = make_settings(tmp_path, sqlite_url, redis_url=REDIS_URL, queue_namespace=name)
    client = redis.Redis.from_url(REDIS_URL)
    yield settings, client
    keys = list(client.scan_iter(f"{name}*"))
    if keys:
        client.delete(*keys)
    client.close()


def _queued(client: redis.Redis, namespace: str) -> list[str]:
    """The actor names of the jobs waiting under ``namespace`` (now or delayed)."""
    names: list[str] = []
    for key in client.scan_iter(f"{namespace}:*.msgs"):
        for raw in client.hvals(key):
            names.append(json.loads(raw)["actor_name"])
    return sorted(names)


def test_connect_sends_to_the_settings_namespace(
    namespaced: tuple[Settings, redis.Redis],
) -> None:
    settings, client = namespaced
    rt = Runtime(settings)
    queue = connect(rt)
    try:
        rt.enqueue("sweep_offers")
    finally:
        queue.stop()
        rt.close()
    assert _queued(client, settings.queue_namespace) == ["sweep_offers"]


def test_import_leads_sends_its_distribution_jobs_to_the_settings_namespace(
    namespaced: tuple[Settings, redis.Redis], tmp_path: Path
) -> None:
    settings, client = namespaced
    path = tmp_path / "leads.csv"
    path.write_text(
        "external_id,customer_email,temperature,country,requirement\n"
        "n-1,one@example.com,hot,DE,Boiler\n"
        "n-2,two@example.com,warm,DE,Heat pump\n",
        encoding="utf-8",
    )
    assert csv_cli.run_import(settings, "leads", str(path), dry_run=False) == 0
    queued = _queued(client, settings.queue_namespace)
    assert "distribute_many" in queued, queued


def test_inbound_deliver_sends_its_processing_job_to_the_settings_namespace(
    namespaced: tuple[Settings, redis.Redis], tmp_path: Path
) -> None:
    settings, client = namespaced
    path = tmp_path / "reply.eml"
    path.write_bytes(
        b"From: partner@example.com\r\nTo: r-abc@reply.mailflow.test\r\n"
        b"Subject: Re: offer\r\nMessage-ID: <ns-1@example.com>\r\n\r\npick\r\n"
    )
    assert inbound_cli.deliver(settings, str(path)) == 0
    assert _queued(client, settings.queue_namespace) == ["process_inbound"]
