"""Token buckets: ``rate`` requests a ``period`` (default a minute) per key, bursts up to
``rate`` (the API, signed links, console logins and password-reset requests).

Without Redis the bucket lives in this process (enough for one web process); with Redis
configured, one Lua script keeps the bucket in Redis so every web process shares it. When
Redis does not answer, the limit falls back to a bucket in this process (a warning once,
not per request) and the request goes on: a rate limiter must not take the site down.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import redis

log = logging.getLogger(__name__)
REDIS_TIMEOUT_S = 0.5  # a limiter waits no longer than this for Redis
RETRY_AFTER_S = 5.0  # while Redis is down, how long before it is asked again
_REDIS_LOST = threading.Event()  # set while a limiter of this process finds Redis down


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until one token is back (0 when allowed)
    remaining: int


class Limiter(Protocol):
    def hit(self, key: str) -> Verdict: ...

    def peek(self, key: str) -> Verdict:
        """Whether a hit would be allowed now, without taking a token."""
        ...


def _refill(tokens: float, last: float, now: float, rate: int, period: float) -> float:
    return min(float(rate), tokens + (now - last) * rate / period)


class MemoryLimiter:
    def __init__(self, rate: int, period: float = 60.0) -> None:
        self.rate = rate
        self.period = period
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> Verdict:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.rate), now))
            tokens = _refill(tokens, last, now, self.rate, self.period)
            allowed = tokens >= 1
            if allowed:
                tokens -= 1
            self._buckets[key] = (tokens, now)
        wait = 0 if allowed else math.ceil((1 - tokens) * self.period / self.rate)
        return Verdict(allowed, wait, int(tokens))

    def peek(self, key: str) -> Verdict:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.rate), now))
        return _verdict(_refill(tokens, last, now, self.rate, self.period), self.rate, self.period)


def _verdict(tokens: float, rate: int, period: float) -> Verdict:
    allowed = tokens >= 1
    return Verdict(allowed, 0 if allowed else math.ceil((1 - tokens) * period / rate), int(tokens))


# KEYS[1] = bucket; ARGV = rate a period, now (s), period (s); returns {allowed, tokens*1000}
_LUA = """
local rate = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(b[1]) or rate
local at = tonumber(b[2]) or now
tokens = math.min(rate, tokens + math.max(0, now - at) * rate / period)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 't', tokens, 'at', now)
redis.call('EXPIRE', KEYS[1], math.ceil(period * 2))
return {allowed, math.floor(tokens * 1000)}
"""


class RedisLimiter:
    def __init__(
        self, client: Any, rate: int, prefix: str = "mailflow:rl:", period: float = 60.0
    ) -> None:
        self.rate = rate
        self.period = period
        self.prefix = prefix
        self._script = client.register_script(_LUA)
        self._client = client

    def hit(self, key: str) -> Verdict:
        now = self._client.time()  # the Redis clock: the same for every process
        allowed, milli = self._script(
            keys=[self.prefix + key], args=[self.rate, now[0] + now[1] / 1e6, self.period]
        )
        tokens = int(milli) / 1000
        wait = 0 if allowed else math.ceil((1 - tokens) * self.period / self.rate)
        return Verdict(bool(allowed), wait, int(tokens))

    def peek(self, key: str) -> Verdict:
        now = self._client.time()
        stored, at = self._client.hmget(self.prefix + key, "t", "at")
        if stored is None or at is None:
            return _verdict(float(self.rate), self.rate, self.period)
        elapsed = max(0.0, now[0] + now[1] / 1e6 - float(at))
        tokens = _refill(float(stored), 0.0, elapsed, self.rate, self.period)
        return _verdict(tokens, self.rate, self.period)


class FallbackLimiter:
    """The Redis bucket while Redis answers; this process's own bucket while it does not
    (asked again every ``RETRY_AFTER_S``). One warning per process when Redis is lost, one
    when it is back: not one per request, nor one per limiter."""

    def __init__(self, shared: RedisLimiter, local: MemoryLimiter) -> None:
        self.shared, self.local = shared, local
        self._down_until = 0.0  # monotonic time before which Redis is not asked
        self._lock = threading.Lock()

    def hit(self, key: str) -> Verdict:
        return self._ask(lambda limiter: limiter.hit(key))

    def peek(self, key: str) -> Verdict:
        return self._ask(lambda limiter: limiter.peek(key))

    def _ask(self, call: Callable[[Limiter], Verdict]) -> Verdict:
        if time.monotonic() < self._down_until:
            return call(self.local)
        try:
            verdict: Verdict = call(self.shared)
        except redis.RedisError as exc:
            with self._lock:
                self._down_until = time.monotonic() + RETRY_AFTER_S
                first = not _REDIS_LOST.is_set()
                _REDIS_LOST.set()
            if first:
                log.warning(
                    "Redis unreachable for the rate limits (%s): limiting in this process "
                    "until it answers again",
                    type(exc).__name__,
                )
            return call(self.local)
        if self._down_until:
            with self._lock:
                self._down_until = 0.0
                back = _REDIS_LOST.is_set()
                _REDIS_LOST.clear()
            if back:
                log.warning("Redis answers again: the rate limits are shared again")
        return verdict


def make_limiter(redis_url: str | None, rate: int, prefix: str, period: float = 60.0) -> Limiter:
    """``rate`` hits a ``period`` (seconds) per key; in Redis when it is configured, with
    this process's bucket as the fallback while Redis is unreachable."""
    if redis_url:
        client = redis.Redis.from_url(
            redis_url, socket_connect_timeout=REDIS_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S
        )
        return FallbackLimiter(
            RedisLimiter(client, rate, prefix, period), MemoryLimiter(rate, period)
        )
    return MemoryLimiter(rate, period)
