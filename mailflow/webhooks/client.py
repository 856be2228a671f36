"""One webhook POST to a checked address, which another thread may cut short.

The socket goes to the address :func:`mailflow.webhooks.address.check` returned, never to
a second lookup of the name; the Host header, TLS SNI and the certificate check still use
the URL's host name. ``http.client`` follows no redirects and reads no proxy settings:
a redirect is an answer (its status is recorded), not a delivery.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl

from mailflow.webhooks.address import Target

_TLS = ssl.create_default_context()  # verifies the certificate against the host name


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=_TLS)
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        try:
            self.sock = _TLS.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


class Call:
    """A POST of ``body`` to ``target`` at ``address``; :meth:`abort` from another thread
    ends it (the sender then sees a ``TimeoutError``)."""

    def __init__(self, target: Target, address: str, timeout: float) -> None:
        pinned = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
        self._connection = pinned(target, address, timeout)
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
