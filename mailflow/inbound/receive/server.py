"""The inbound SMTP server: thin. Check the recipient at RCPT, store at DATA, queue, 250.

aiosmtpd answers 500 with the exception text when a handler raises, so every handler
here catches and answers with a deliberate code instead.

The session (:mod:`mailflow.inbound.receive.session`) holds each client (by peer address)
to the limits of :mod:`mailflow.inbound.receive.limits`:
open connections, messages and bytes a minute, recipients per message, times each command
may be sent in a session, and a small size and a rate for the addresses that take mail
without a reply key. DATA is refused while the data directory's disk is nearly full.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import shutil
from typing import TYPE_CHECKING

from aiosmtpd.smtp import SMTP, Envelope, Session

from mailflow.actions.inbound.store import StoreError, store_raw
from mailflow.inbound.receive import logs
from mailflow.inbound.receive.limits import KEYLESS, ClientLimits, is_keyless
from mailflow.inbound.receive.metrics import SmtpMetrics
from mailflow.inbound.receive.session import DISK_FULL, InboundController, client_of
from mailflow.inbound.receive.shutdown import Sessions
from mailflow.links.signer import TokenExpired, TokenInvalid

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)


def _declared_size(mail_options: list[str]) -> int:
    """The SIZE= the client declared at MAIL FROM (RFC 1870), else 0."""
    for option in mail_options:
        name, _, value = option.partition("=")
        if name.upper() == "SIZE" and value.isdigit():
            return int(value)
    return 0


class InboundHandler:
    def __init__(self, rt: Runtime, metrics: SmtpMetrics | None = None) -> None:
        self.rt = rt
        self.metrics = metrics or SmtpMetrics()
        self.domain = rt.settings.inbound_domain.lower()
        self.limits = ClientLimits.from_settings(rt.settings)
        self.sessions = Sessions()

    def recipient_ok(self, address: str) -> bool:
        local, _, domain = address.lower().rpartition("@")
        if domain != self.domain:
            return False
        if local in KEYLESS or local == "deals":  # deals@: partners forward customers' mail
            return True
        tag, _, key = local.partition("+")
        if tag not in ("reply", "bounce", "deals") or not key:
            return False
        try:
            if tag == "bounce":
                self.rt.signer.read_bounce_key(key)
            elif tag == "deals":
                self.rt.signer.read_deal_key(key)
            else:
                self.rt.read_reply_key(key)
        except TokenExpired:
            return True  # ours, only old: processing tells the partner to use a newer email
        except TokenInvalid:
            return False
        return True

    def keyless_in(self, envelope: Envelope) -> bool:
        return any(is_keyless(address, self.domain) for address in envelope.rcpt_tos)

    def disk_ok(self, incoming: int = 0) -> bool:
        """Whether the data directory keeps its minimum free space after ``incoming`` bytes."""
        try:
            free = shutil.disk_usage(self.rt.settings.data_dir).free
        except OSError:  # cannot tell: the store answers 451 if it really cannot write
            return True
        return free - incoming >= self.rt.settings.inbound_min_free_bytes

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        client = client_of(session.peer)
        if not self.limits.data_bytes.has(client, max(1, _declared_size(mail_options))):
            return self.metrics.count(
                "MAIL", "450 4.7.1 Too much data from your address, please retry in a few minutes"
            )
        if not self.limits.messages.take(client):
            return self.metrics.count(
                "MAIL", "450 4.7.1 Too many messages from your address, please retry in a minute"
            )
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return self.metrics.count("MAIL", "250 2.1.0 OK")

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if len(envelope.rcpt_tos) >= self.rt.settings.inbound_recipients_per_message:
            return self.metrics.count("RCPT", "452 4.5.3 Too many recipients")
        if not self.recipient_ok(address):
            return self.metrics.count(
                "RCPT", "550 5.1.1 No such reply address here; please reply to a mailflow email"
            )
        if is_keyless(address, self.domain):
            refusal = self._keyless_refusal(client_of(session.peer), envelope, address)
            if refusal:
                return self.metrics.count("RCPT", refusal)
        envelope.rcpt_tos.append(address)
        return self.metrics.count("RCPT", "250 2.1.5 OK")

    def _keyless_refusal(self, client: str, envelope: Envelope, address: str) -> str | None:
        limit = self.rt.settings.inbound_keyless_max_bytes
        if _declared_size(envelope.mail_options) > limit:
            return f"552 5.3.4 Message too big for {address} (at most {limit} bytes)"
        if not self.limits.keyless.take(client):
            return f"450 4.7.1 Too many messages to {address} from your address, retry later"
        return None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        self.limits.data_bytes.spend(client_of(session.peer), len(raw))
        if self.keyless_in(envelope) and len(raw) > self.rt.settings.inbound_keyless_max_bytes:
            return self.metrics.count("DATA", "552 5.3.4 Message too big for this address")
        if not self.disk_ok(len(raw)):
            return self.metrics.count("DATA", DISK_FULL)
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
            return self.metrics.count(
                "DATA", "451 4.3.0 Temporary failure storing the message, please retry"
            )
        self.rt.process_inbound(inbound_id)
        return self.metrics.count("DATA", "250 2.0.0 Stored")


def make_server(
    rt: Runtime, host: str, port: int, metrics: SmtpMetrics | None = None
) -> InboundController:
    logs.install()  # no reply key in the SMTP library's log
    return InboundController(
        InboundHandler(rt, metrics),
        hostname=host,
        port=port,
        data_size_limit=rt.settings.inbound_max_bytes,
        decode_data=False,
        command_call_limit=rt.settings.inbound_commands_per_session,
    )
