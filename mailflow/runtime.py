"""The per-process runtime: settings, database, signer, templates, queue, clock.

Built once by each entry point and passed on; nothing reads the environment here.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from mailflow.clock import Clock
from mailflow.db import Database
from mailflow.links.claims import LinkClaim
from mailflow.links.signer import Claim, Signer
from mailflow.mail.branding import BrandBook
from mailflow.mail.providers import ApiSender, outbound_sender
from mailflow.mail.render import Renderer
from mailflow.mail.send import DeliveryError, SmtpSender
from mailflow.mail.signing import DkimSigner
from mailflow.settings import Settings

if TYPE_CHECKING:
    from mailflow.jobs.broker import JobQueue
    from mailflow.jobs.heartbeat import Heartbeats

log = logging.getLogger(__name__)


class _NoRelay:
    """Stands in for a relay while ``MAILFLOW_SMTP_URL=capture`` has no capture server."""

    def send(self, mail_from: str, to: str, data: bytes) -> None:
        raise DeliveryError("no SMTP relay: set MAILFLOW_SMTP_URL or run `mailflow demo`")

    def close(self) -> None:
        pass


class Runtime:
    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        self.settings = settings
        self.db = Database(settings.database_url)
        self.clock = clock or Clock()
        self.signer = Signer(settings.secret_keys, settings.token_max_age_days * 86400, self.clock)
        self.renderer = Renderer(db=self.db)
        self.brands = BrandBook(self.db, settings)
        self.dkim = (
            DkimSigner(settings.dkim_key.encode(), settings.dkim_selector, settings.dkim_domain)
            if settings.dkim_key and settings.dkim_selector and settings.dkim_domain
            else None
        )
        self.smtp_url = settings.smtp_url
        self.queue: JobQueue | None = None
        # with Redis: this process's heartbeat, which its outbox claims carry
        self.heartbeats: Heartbeats | None = None
        # False leaves new emails in the outbox for the sweep (benchmarks that measure
        # something else than sending switch immediate dispatch off).
        self.send_mail_now = True
        self._sender: SmtpSender | ApiSender | _NoRelay | None = None

    # -- mail ---------------------------------------------------------------------
    def sender(self) -> SmtpSender | ApiSender | _NoRelay:
        """The relay (SMTP, with a password or XOAUTH2) or the mailbox API emails go out
        through; a setup that cannot work raises :class:`DeliveryError` at each use."""
        if self._sender is None:
            self._sender = (
                _NoRelay()
                if self.smtp_url == "capture"
                else outbound_sender(self.settings, self.smtp_url)
            )
        return self._sender

    def use_smtp(self, url: str) -> None:
        """Point outbound mail at another relay (the demo's local capture, a test sink)."""
        if self._sender is not None:
            self._sender.close()
        self.smtp_url, self._sender = url, None

    def brand(self, organization_id: int | None = None) -> dict[str, Any]:
        """How emails to a member of ``organization_id`` look (its manufacturer's Brand)."""
        return self.brands.for_organization(organization_id)

    def reply_key(self, offer_id: int, contact_id: int) -> str:
        return self.signer.reply_key(offer_id, contact_id)

    def read_reply_key(self, key: str) -> tuple[int, int]:
        return self.signer.read_reply_key(key)

    def url(self, claim: Claim) -> str:
        """The signed link of ``claim`` (the base URL is read now: a demo or a test may
        move the server)."""
        return f"{self.settings.base_url}{self.signer.path(claim)}"

    def link(self, offer_id: int, contact_id: int, action: str) -> str:
        """A partner's one-click link (a qualify link goes to its own page)."""
        return self.url(LinkClaim(offer_id, contact_id, action))

    # -- jobs ---------------------------------------------------------------------
    def after_commit(self, outbox_ids: list[int], jobs: list[tuple[str, tuple[Any, ...]]]) -> None:
        if outbox_ids and self.send_mail_now:
            self.enqueue("send_emails", list(outbox_ids))
        for name, args in jobs:
            self.enqueue(name, *args)

    def enqueue(self, name: str, *args: Any, delay_ms: int = 0) -> None:
        """Hand a job to the queue. The state is already committed: if the broker is
        down, the periodic sweeps find the work in the database and do it then."""
        if self.queue is None:
            log.info("no job queue in this process; %s%r left to the sweeps", name, args)
            return
        try:
            self.queue.send(name, *args, delay_ms=delay_ms)
        except Exception:
            log.exception("could not enqueue %s; the next sweep will pick it up", name)

    def process_inbound(self, inbound_id: int) -> None:
        """The processing job of a message just stored, after the batch window: the replies
        of a burst are then taken by one job and applied together (:mod:`inbound.process`)."""
        self.enqueue("process_inbound", inbound_id, delay_ms=self.settings.inbound_batch_window_ms)

    def close(self) -> None:
        if self._sender is not None:
            self._sender.close()
        self.db.dispose()
