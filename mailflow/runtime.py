"""The per-process runtime: settings, database, signer, templates, queue, clock.

Built once by each entry point and passed on; nothing reads the environment here.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from mailflow.clock import Clock
from mailflow.db import Database
from mailflow.mail.branding import BrandBook
from mailflow.mail.render import Renderer
from mailflow.mail.send import DeliveryError, SmtpSender
from mailflow.mail.signing import DkimSigner
from mailflow.settings import Settings
from mailflow.tokens import Signer

if TYPE_CHECKING:
    from mailflow.broker import JobQueue
    from mailflow.inbound.spool import Spool

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
        # False leaves new emails in the outbox for the sweep (benchmarks that measure
        # something else than sending switch immediate dispatch off).
        self.send_mail_now = True
        self._sender: SmtpSender | _NoRelay | None = None
        self._spool: Spool | None = None
        self._spool_lock = threading.Lock()

    # -- mail ---------------------------------------------------------------------
    def sender(self) -> SmtpSender | _NoRelay:
        if self._sender is None:
            self._sender = _NoRelay() if self.smtp_url == "capture" else SmtpSender(self.smtp_url)
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

    def link(self, offer_id: int, contact_id: int, action: str) -> str:
        token = self.signer.link_token(offer_id, contact_id, action)
        return f"{self.settings.base_url}/a/{token}"

    # -- jobs ---------------------------------------------------------------------
    def after_commit(self, outbox_ids: list[int], jobs: list[tuple[str, tuple[Any, ...]]]) -> None:
        if outbox_ids and self.send_mail_now:
            self.enqueue("send_emails", list(outbox_ids))
        for name, args in jobs:
            self.enqueue(name, *args)

    def enqueue(self, name: str, *args: Any, wake_flag: str | None = None) -> None:
        """Hand a job to the queue. The state is already committed: if the broker is
        down, the periodic sweeps find the work in the database and do it then. With
        ``wake_flag`` the job is sent only when no job under that flag is waiting to
        start, for a job that takes all waiting work of its kind (``JobQueue.wake``)."""
        if self.queue is None:
            log.info("no job queue in this process; %s%r left to the sweeps", name, args)
            return
        try:
            if wake_flag is None:
                self.queue.send(name, *args)
            else:
                self.queue.wake(wake_flag, name, *args)
        except Exception:
            log.exception("could not enqueue %s; the next sweep will pick it up", name)

    def spool(self) -> Spool | None:
        """The inbound spool file on SQLite (opened on first use); None on PostgreSQL."""
        from mailflow.inbound.spool import Spool, path_for

        if self._spool is None and (path := path_for(self.settings.database_url)) is not None:
            with self._spool_lock:
                if self._spool is None:
                    self._spool = Spool(path, self.db)
        return self._spool

    def close(self) -> None:
        if self._sender is not None:
            self._sender.close()
        if self._spool is not None:
            self._spool.close()
        self.db.dispose()
