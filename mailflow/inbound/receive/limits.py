"""What one client (by peer address) may do to the inbound SMTP server.

Concurrent connections, messages and bytes a minute, and messages a minute to the addresses
that take mail without a reply key (postmaster@, abuse@, bounces@). The state lives in this
process's memory: exact for one ``smtp`` process; with several, each counts on its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from mailflow.settings import Settings

_PRUNE_EVERY = 1000  # calls between sweeps of buckets that are full again
KEYLESS = frozenset({"postmaster", "abuse", "bounces"})  # local parts taken without a key


def is_keyless(address: str, domain: str) -> bool:
    """Whether ``address`` is one of the inbound domain's addresses without a reply key."""
    local, _, at = address.lower().rpartition("@")
    return local in KEYLESS and at == domain.lower()


class Buckets:
    """Token buckets per key: ``per_minute`` units a minute, bursts up to the same."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._state: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._calls = 0

    def _tokens(self, key: str, now: float) -> float:
        tokens, at = self._state.get(key, (float(self.per_minute), now))
        return min(float(self.per_minute), tokens + (now - at) * self.per_minute / 60.0)

    def has(self, key: str, amount: int = 1) -> bool:
        """Whether ``amount`` units are there now (nothing taken)."""
        return self._tokens(key, self._clock()) >= min(amount, self.per_minute)

    def take(self, key: str, amount: int = 1) -> bool:
        """Take ``amount`` units if there are enough (a bucket never holds more than
        ``per_minute``, so a larger amount needs a full bucket)."""
        now = self._clock()
        tokens = self._tokens(key, now)
        if tokens < min(amount, self.per_minute):
            return False
        self._set(key, tokens - amount, now)
        return True

    def spend(self, key: str, amount: int) -> None:
        """Take ``amount`` units whatever is left (bytes already received): the bucket may
        go below zero and refills from there."""
        now = self._clock()
        self._set(key, self._tokens(key, now) - amount, now)

    def _set(self, key: str, tokens: float, now: float) -> None:
        self._state[key] = (tokens, now)
        self._calls += 1
        if self._calls % _PRUNE_EVERY == 0:
            full = [k for k in self._state if self._tokens(k, now) >= self.per_minute]
            for k in full:
                del self._state[k]


@dataclass
class ClientLimits:
    """The per-client limits of one SMTP server process. The buckets are used from the
    server's event loop only; the connection count also from connection callbacks."""

    connections_per_client: int
    messages: Buckets
    data_bytes: Buckets
    keyless: Buckets

    def __post_init__(self) -> None:
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientLimits:
        return cls(
            connections_per_client=settings.inbound_connections_per_client,
            messages=Buckets(settings.inbound_messages_per_minute),
            data_bytes=Buckets(settings.inbound_bytes_per_minute),
            keyless=Buckets(settings.inbound_keyless_per_minute),
        )

    def connect(self, client: str) -> bool:
        """Count a new connection; False (not counted) when the client has too many open."""
        with self._lock:
            if self._open.get(client, 0) >= self.connections_per_client:
                return False
            self._open[client] = self._open.get(client, 0) + 1
            return True

    def disconnect(self, client: str) -> None:
        with self._lock:
            left = self._open.get(client, 0) - 1
            if left > 0:
                self._open[client] = left
            else:
                self._open.pop(client, None)
