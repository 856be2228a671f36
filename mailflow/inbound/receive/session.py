"""The SMTP session of the inbound server and the controller that runs it: aiosmtpd's
session with the per-client connection cap, the disk check before DATA, the key-less size
limit while a message is read, and a stop that lets the transactions in flight finish
(:mod:`mailflow.inbound.receive.shutdown`). What is accepted is decided by the handler,
:class:`mailflow.inbound.receive.server.InboundHandler`."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from mailflow.inbound.receive.shutdown import SHUTTING_DOWN

if TYPE_CHECKING:
    from mailflow.inbound.receive.server import InboundHandler

log = logging.getLogger(__name__)
DISK_FULL = "452 4.3.1 Insufficient system storage, please retry later"


def client_of(peer: Any) -> str:
    """The client's address from a peername (host, port[, …]); the whole value otherwise."""
    return str(peer[0]) if isinstance(peer, tuple) and peer else str(peer)


class LimitedSMTP(SMTP):
    """aiosmtpd's session with the per-client connection cap, the disk check before DATA,
    the key-less size limit while the message is read, and a stop that lets a transaction
    finish (:mod:`mailflow.inbound.receive.shutdown`)."""

    # RFC 5321 caps lines at 1,000 bytes, but real clients send longer HTML lines; refusing
    # a partner's reply for that helps nobody. Far longer lines are still refused.
    line_length_limit = 64 * 1024
    event_handler: InboundHandler

    def __init__(self, handler: InboundHandler, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._counted: str | None = None  # the client this connection counts for
        self._in_data = False  # the envelope is reset before DATA's answer is written

    @property
    def busy(self) -> bool:
        envelope = self.envelope
        return self._in_data or (envelope is not None and envelope.mail_from is not None)

    def hang_up(self) -> None:
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.write(SHUTTING_DOWN)  # type: ignore[attr-defined]
            transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self.transport is None:  # a new connection (not the switch to TLS)
            client = client_of(transport.get_extra_info("peername"))
            if not self.event_handler.limits.connect(client):
                log.warning("inbound SMTP: too many connections from %s; refused", client)
                self.event_handler.metrics.count("connect", "421")
                transport.write(b"421 4.7.0 Too many connections from your address\r\n")  # type: ignore[attr-defined]
                transport.close()
                return
            self._counted = client
        super().connection_made(transport)
        self.event_handler.sessions.open.add(self)
        if self.event_handler.sessions.draining:  # accepted just before the listener closed
            self.hang_up()

    def connection_lost(self, error: Exception | None) -> None:
        if self._counted is None:
            return  # refused in connection_made: nothing was started
        self.event_handler.limits.disconnect(self._counted)
        self.event_handler.sessions.open.discard(self)
        self._counted = None
        super().connection_lost(error)

    async def smtp_MAIL(self, arg: str | None) -> None:
        if self.event_handler.sessions.draining:
            self.hang_up()  # no new transaction on a server that is stopping
            return
        await super().smtp_MAIL(arg)

    async def smtp_DATA(self, arg: str) -> None:
        self._in_data = True
        try:
            await self._data(arg)
        finally:
            self._in_data = False

    async def _data(self, arg: str) -> None:
        envelope = self.envelope
        if envelope is not None and envelope.rcpt_tos and not self.event_handler.disk_ok():
            await self.push(self.event_handler.metrics.count("DATA", DISK_FULL))
            return
        limit = self.data_size_limit
        if envelope is not None and self.event_handler.keyless_in(envelope):
            keyless = self.event_handler.rt.settings.inbound_keyless_max_bytes
            self.data_size_limit = min(limit or keyless, keyless)  # read no more than that
        try:
            await super().smtp_DATA(arg)
        finally:
            self.data_size_limit = limit


class InboundController(Controller):
    handler: InboundHandler

    def factory(self) -> SMTP:
        return LimitedSMTP(self.handler, **self.SMTP_kwargs)

    def drain(self, seconds: float) -> None:
        """Stop taking connections and let the transactions in flight finish (at most
        ``seconds``); then :meth:`stop` ends the rest."""
        sessions = self.handler.sessions
        running = asyncio.run_coroutine_threadsafe(sessions.drain(self.server, seconds), self.loop)
        cut = running.result(seconds + 10)
        if cut:
            log.warning("inbound SMTP: %d transaction(s) cut at shutdown; the senders retry", cut)
