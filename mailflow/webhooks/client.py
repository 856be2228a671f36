"""One webhook POST to a checked address, which another thread may cut short, and the
time budget of a job's POSTs that does so.

The socket goes to an address :func:`mailflow.webhooks.address.check` returned, never to
a second lookup of the name; the Host header, TLS SNI and the certificate check still use
the URL's host name. ``http.client`` follows no redirects and reads no proxy settings:
a redirect is an answer (its status is recorded), not a delivery.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time

from mailflow.webhooks.address import Target

_TLS = ssl.create_default_context()  # verifies the certificate against the host name


def _connect(addresses: tuple[str, ...], port: int, timeout: float | None) -> socket.socket:
    """A socket to the first of the checked ``addresses`` that accepts."""
    error: OSError = OSError("no address")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as exc:
            error = exc
    raise error


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, addresses: tuple[str, ...], timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, addresses: tuple[str, ...], timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=_TLS)
        self.addresses = addresses

    def connect(self) -> None:
        raw = _connect(self.addresses, self.port, self.timeout)
        try:
            self.sock = _TLS.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


class Call:
    """A POST of ``body`` to ``target`` at one of ``addresses``; :meth:`abort` from another
    thread ends it (the sender then sees a ``TimeoutError``)."""

    def __init__(self, target: Target, addresses: tuple[str, ...], timeout: float) -> None:
        pinned = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
        self._connection = pinned(target, addresses, timeout)
        self._path = target.path
        self._aborted = False

    def post(self, body: bytes, headers: dict[str, str]) -> int:
        """The answer's status code; ``OSError`` or ``http.client.HTTPException`` when
        there is none (refused, reset, timed out, not HTTP)."""
        try:
            self._check()
            self._connection.connect()  # at most ``timeout``
            self._check()  # aborted while connecting, before the socket could be shut
            self._connection.request("POST", self._path, body=body, headers=headers)
            with self._connection.getresponse() as answer:
                self._check()  # cut off in the headers: their end was the shut socket
                return answer.status
        except OSError:
            self._check()
            raise
        finally:
            self._connection.close()

    def abort(self) -> None:
        self._aborted = True
        sock = self._connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked read; close() may not

    def _check(self) -> None:
        if self._aborted:
            raise TimeoutError("cut off: the job's time budget ran out")


class Budget:
    """The time one job may spend on its POSTs; at the end, the calls still waiting are
    cut off."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self._calls: set[Call] = set()
        self._lock = threading.Lock()
        self._over = False

    def remaining(self) -> float:
        return max(self.deadline - time.monotonic(), 0.0)

    @property
    def over(self) -> bool:
        return self._over or self.remaining() == 0

    def run(self, call: Call, body: bytes, headers: dict[str, str]) -> int:
        with self._lock:
            if self._over:
                raise TimeoutError("cut off: the job's time budget ran out")
            self._calls.add(call)
        try:
            return call.post(body, headers)
        finally:
            with self._lock:
                self._calls.discard(call)

    def cut_off(self) -> None:
        with self._lock:
            self._over = True
            calls = list(self._calls)
        for call in calls:
            call.abort()
