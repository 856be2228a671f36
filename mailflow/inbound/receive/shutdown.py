"""Stopping the SMTP server without cutting a message in flight.

On SIGTERM the server stops listening, ends every session that holds no transaction with
``421`` (RFC 5321 §3.8: the client retries later, a partner's mail server queues the reply),
and lets each session that has given MAIL FROM finish its transaction: its message is
stored and answered 250 like any other, then that session is ended with 421 too. Sessions
still in a transaction after ``MAILFLOW_INBOUND_DRAIN_SECONDS`` are cut: their clients never
got a 250, so they send the message again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

log = logging.getLogger(__name__)
SHUTTING_DOWN = b"421 4.3.2 Service shutting down, please retry later\r\n"
_ROUND_S = 0.1  # how often a drain looks at its sessions again


class Drainable(Protocol):
    @property
    def busy(self) -> bool:
        """Whether the session is inside a transaction (MAIL FROM given, no answer to DATA)."""

    def hang_up(self) -> None:
        """Answer 421 and close the connection."""


class Sessions:
    """The open sessions of one server, and whether it is stopping."""

    def __init__(self) -> None:
        self.open: set[Drainable] = set()
        self.draining = False

    async def drain(self, server: asyncio.AbstractServer | None, seconds: float) -> int:
        """Stop listening, end the idle sessions, wait up to ``seconds`` for the busy ones
        to finish; the number still busy at the end."""
        self.draining = True
        if server is not None:
            server.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            for session in [s for s in self.open if not s.busy]:
                session.hang_up()
            busy = sum(1 for s in self.open if s.busy)
            if not busy or loop.time() >= deadline:
                return busy
            await asyncio.sleep(_ROUND_S)
