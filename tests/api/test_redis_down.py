"""Redis unreachable (a URL pointing to a closed port): the rate limits fall back to a
limit in this process, so the API and the partner links go on working (a warning is logged
once, not per request); ``/healthz`` stays liveness, ``/readyz`` reports the services."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from mailflow.actions.inbound.store import store_raw
from mailflow.db import migrate
from mailflow.mail.capture import MailCapture
from mailflow.runtime import Runtime
from mailflow.web import create_app
from tests.conftest import make_settings
from tests.factories import World
from tests.services import REDIS_URL, port_open, require


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the socket is


def _client(rt: Runtime) -> Any:
    app = create_app(rt)
    app.testing = True
    return app.test_client()


@pytest.fixture
def down(tmp_path: Path, sqlite_url: str) -> Iterator[Runtime]:
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    rt = Runtime(make_settings(tmp_path, sqlite_url, redis_url=url, api_rate_per_minute="5"))
    capture = MailCapture().start()
    rt.use_smtp(capture.url)
    yield rt
    capture.stop()
    rt.close()


def _warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == logging.WARNING and "Redis" in r.message]


def test_the_api_and_a_pick_link_work_without_redis_and_warn_once(
    down: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    world = World(down)
    org = world.partner("Stuttgart")
    lead, (offer,) = world.offered_lead()
    contact = world.contacts(org.id)[0]  # type: ignore[arg-type]
    client = _client(down)
    key = {"Authorization": f"Bearer {world.api_key(org.id)}"}
    caplog.set_level(logging.WARNING)
    assert client.get("/api/v1/offers", headers=key).status_code == 200
    link = down.link(offer.id, contact.id, "pick").removeprefix(down.settings.base_url)  # type: ignore[arg-type]
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 200
    assert world.reload(lead).state == "picked"
    warned = len(_warnings(caplog))
    assert warned >= 1
    answers = [client.get("/api/v1/offers", headers=key).status_code for _ in range(6)]
    assert len(_warnings(caplog)) == warned  # once, not per request
    # the limit still holds, in this process: 5 a minute
    assert answers[:3] == [200, 200, 200] and answers[-1] == 429


def test_healthz_is_liveness_and_readyz_reports_redis_unreachable(down: Runtime) -> None:
    client = _client(down)
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json() == {
        "database": "ok",
        "migrations": "ok",
        "queue": "ok",
        "lag_s": {"outbox": 0.0, "inbound": 0.0},
        "redis": "unreachable",
    }


def test_readyz_reports_a_database_that_is_unreachable(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/mailflow"
    rt = Runtime(make_settings(tmp_path, url))
    try:
        client = _client(rt)
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.get_json() == {"database": "unreachable", "redis": "not configured"}
    finally:
        rt.close()


def test_readyz_is_ok_when_the_database_and_redis_answer(tmp_path: Path, db_url: str) -> None:
    require(port_open("127.0.0.1", 6379), "Redis at 127.0.0.1:6379")
    rt = Runtime(make_settings(tmp_path, db_url, redis_url=REDIS_URL))
    try:
        ready = _client(rt).get("/readyz")
        assert ready.status_code == 200
        assert ready.get_json()["redis"] == "ok"
        assert ready.get_json()["migrations"] == ready.get_json()["queue"] == "ok"
    finally:
        rt.close()


def test_readyz_is_not_ready_on_a_database_behind_the_code(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    migrate.upgrade(url, "0001")
    rt = Runtime(make_settings(tmp_path, url))
    try:
        ready = _client(rt).get("/readyz")
        assert ready.status_code == 503
        assert ready.get_json() == {
            "database": "ok",
            "migrations": f"at 0001, the code needs {migrate.head()}",
            "redis": "not configured",
        }
    finally:
        rt.close()


def test_readyz_is_not_ready_while_a_stored_reply_waits_too_long(rt: Runtime) -> None:
    client = _client(rt)
    raw = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nhello\r\n"
    store_raw(rt, raw, channel="smtp", mail_from="a@example.com", rcpt_to=["b@example.com"])
    assert client.get("/readyz").status_code == 200  # just stored: no job queue here
    limit = rt.settings.ready_max_lag_s
    rt.clock.set(rt.clock.now() + timedelta(seconds=limit + 30))
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["queue"] == "lagging"
    assert ready.get_json()["lag_s"]["inbound"] >= limit + 30
