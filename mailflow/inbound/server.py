"""The inbound SMTP server: thin. Check the recipient at RCPT, store at DATA, queue, 250.

aiosmtpd answers 500 with the exception text when a handler raises, so every handler
here catches and answers with a deliberate code instead.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import TYPE_CHECKING

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from mailflow.inbound.process import wake
from mailflow.inbound.store import StoreError, store_raw
from mailflow.tokens import TokenExpired, TokenInvalid

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)


class InboundHandler:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.domain = rt.settings.inbound_domain.lower()

    def recipient_ok(self, address: str) -> bool:
        local, _, domain = address.lower().rpartition("@")
        if domain != self.domain:
            return False
        if local in ("postmaster", "abuse", "bounces"):
            return True
        tag, _, key = local.partition("+")
        if tag not in ("reply", "bounce") or not key:
            return False
        try:
            if tag == "bounce":
                self.rt.signer.read_bounce_key(key)
            else:
                self.rt.read_reply_key(key)
        except TokenExpired:
            return True  # ours, only old: processing tells the partner to use a newer email
        except TokenInvalid:
            return False
        return True

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if not self.recipient_ok(address):
            return "550 5.1.1 No such reply address here; please reply to a mailflow email"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        store = functools.partial(
            store_raw,
            self.rt,
            raw,
            channel="smtp",
            mail_from=str(envelope.mail_from or ""),
            rcpt_to=list(envelope.rcpt_tos),
        )
        try:
            # in a thread: the other sessions go on while this one waits for the write
            # lock and the disk
            inbound_id = await asyncio.get_running_loop().run_in_executor(None, store)
        except StoreError as exc:
            log.warning("inbound message not stored (%s); answered 451", exc)
            return "451 4.3.0 Temporary failure storing the message, please retry"
        wake(self.rt, inbound_id)
        return "250 2.0.0 Stored"


class _LenientSMTP(SMTP):
    # RFC 5321 caps lines at 1,000 bytes, but real clients send longer HTML lines; refusing
    # a partner's reply for that helps nobody. Far longer lines are still refused.
    line_length_limit = 64 * 1024


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _LenientSMTP(self.handler, **self.SMTP_kwargs)


def make_server(rt: Runtime, host: str, port: int) -> Controller:
    return _Controller(
        InboundHandler(rt),
        hostname=host,
        port=port,
        data_size_limit=rt.settings.inbound_max_bytes,
        decode_data=False,
    )
