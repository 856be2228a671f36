"""Token buckets: ``rate`` requests a ``period`` (default a minute) per key, bursts up to
``rate`` (the API, signed links, console logins and password-reset requests).

Without Redis the bucket lives in this process (enough for one web process); with Redis
configured, one Lua script keeps the bucket in Redis so every web process shares it.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol


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


def make_limiter(redis_url: str | None, rate: int, prefix: str, period: float = 60.0) -> Limiter:
    """``rate`` hits a ``period`` (seconds) per key; in Redis when it is configured."""
    if redis_url:
        import redis

        return RedisLimiter(redis.Redis.from_url(redis_url), rate, prefix, period)
    return MemoryLimiter(rate, period)
