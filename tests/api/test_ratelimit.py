"""The API's rate limit: across web processes through Redis, one process without it."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from mailflow.runtime import Runtime
from mailflow.web import create_app
from mailflow.web.ratelimit import FallbackLimiter, MemoryLimiter, RedisLimiter
from tests.conftest import make_settings
from tests.factories import World
from tests.services import REDIS_URL, port_open, require


def test_two_web_processes_share_one_bucket_through_redis(tmp_path: Path, sqlite_url: str) -> None:
    require(port_open("127.0.0.1", 6379), "Redis at 127.0.0.1:6379")
    prefix = f"mailflow-test-{uuid.uuid4().hex[:8]}:"
    rt = Runtime(
        make_settings(
            tmp_path, sqlite_url, redis_url=REDIS_URL, redis_prefix=prefix, api_rate_per_minute="4"
        )
    )
    try:
        key = World(rt).api_key()
        apps: list[Any] = [create_app(rt).test_client(), create_app(rt).test_client()]
        headers = {"Authorization": f"Bearer {key}"}
        codes = [apps[i % 2].get("/api/v1/leads", headers=headers).status_code for i in range(5)]
        assert codes == [200, 200, 200, 200, 429]
        limiter = apps[0].application.extensions["mailflow.web.ratelimit"]
        assert isinstance(limiter, FallbackLimiter) and isinstance(limiter.shared, RedisLimiter)
    finally:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for name in client.scan_iter(f"{prefix}*"):
            client.delete(name)
        rt.close()


def test_the_memory_bucket_refills_over_time() -> None:
    limiter = MemoryLimiter(60)  # one token a second
    verdicts = [limiter.hit("k") for _ in range(61)]
    assert all(v.allowed for v in verdicts[:60]) and not verdicts[60].allowed
    assert verdicts[60].retry_after == 1
    limiter._buckets["k"] = (0.0, limiter._buckets["k"][1] - 2.0)  # two seconds ago
    assert limiter.hit("k").allowed


def test_a_bucket_can_count_by_the_hour() -> None:
    limiter = MemoryLimiter(3, period=3600)  # three a hour: one back every 20 minutes
    assert [limiter.hit("k").allowed for _ in range(4)] == [True, True, True, False]
    assert 1190 <= limiter.peek("k").retry_after <= 1200
    limiter._buckets["k"] = (0.0, limiter._buckets["k"][1] - 1201.0)  # 20 minutes ago
    assert limiter.hit("k").allowed and not limiter.hit("k").allowed


def test_an_hourly_bucket_in_redis_keeps_its_count_for_the_hour() -> None:
    require(port_open("127.0.0.1", 6379), "Redis at 127.0.0.1:6379")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"mailflow-test-{uuid.uuid4().hex[:8]}:"
    try:
        limiter = RedisLimiter(client, 3, prefix, period=3600)
        verdicts = [limiter.hit("k") for _ in range(4)]
        assert [v.allowed for v in verdicts] == [True, True, True, False]
        assert 1190 <= verdicts[3].retry_after <= 1200
        assert client.ttl(f"{prefix}k") > 3600  # not gone after two minutes
        assert not limiter.peek("k").allowed
    finally:
        for name in client.scan_iter(f"{prefix}*"):
            client.delete(name)
