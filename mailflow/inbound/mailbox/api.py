"""Take the replies out of a Microsoft 365 mailbox (Graph) or a Gmail one (the Gmail API),
the way :mod:`fetch` does for IMAP: the new messages (delta query, history ids) are read by
their header alone, ours are downloaded as raw MIME and stored like the SMTP server's, and
only after the commit they are marked on the server (moved to the processed folder or
label, categorised / labelled, or deleted). Everything else stays untouched.

A message that could not be stored stays pending here and is tried again next round (the
provider's cursor has moved past it). Where reading goes on — Graph's delta link, Gmail's
history id — is saved on the connection's row after a round that left nothing pending, so
a restart goes on from there: a crash before that reads the same changes again, and what
was stored twice the pipeline's dedupe keeps once. A position the provider no longer knows
lists the whole folder again. The APIs have no IDLE: the mailbox is polled every
``MAILFLOW_INBOUND_MAILBOX_POLL_S``."""

from __future__ import annotations

import logging
import random
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from mailflow.actions.connections import record_failure, record_success
from mailflow.actions.inbound.store import StoreError, store_raw
from mailflow.inbound.mailbox.fetch import BACKOFF_S, CHUNK, Round
from mailflow.inbound.mailbox.ours import ours
from mailflow.mail.apiclient import ApiError
from mailflow.mail.providers import ApiMailbox
from mailflow.queries.connections import position
from mailflow.queries.threads import our_message_ids

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
_REPORT = re.compile(  # a delivery report, or a mail system's message (older Exchange NDRs)
    rb"^(?:content-type:[ \t]*multipart/report|from:[^\r\n]{0,200}"
    rb"(?:mailer-daemon|postmaster|microsoftexchange))",
    re.IGNORECASE | re.MULTILINE,
)
_RETURNED = re.compile(rb"^message-id:[ \t]*<([^<>\s]{1,250})>", re.IGNORECASE | re.MULTILINE)
MAX_RETURNED = 20
API_FAILURES = (ApiError, StoreError)


class ApiFetcher:
    def __init__(
        self, rt: Runtime, remote: ApiMailbox, on_stored: Callable[[int], None] | None = None
    ) -> None:
        self.rt = rt
        self.remote = remote
        self.label = remote.label
        self.kind = "graph" if remote.label.startswith("graph://") else "gmail"
        self.on_stored = on_stored or rt.process_inbound
        self.pending: list[str] = []  # seen, neither stored nor found foreign yet
        self.foreign: set[str] = set()
        self._raw: dict[str, bytes] = {}  # reports downloaded to be read, stored next
        with rt.db.read() as session:
            remote.resume(position(session, self.label))

    def once(self) -> Round:
        try:
            done = self.round()
        except API_FAILURES as exc:
            self.failed(exc)
            raise
        self.succeeded()
        return done

    def round(self) -> Round:
        settings = self.rt.settings
        self.remote.prepare(settings.inbound_mailbox_mark, settings.inbound_mailbox_processed)
        for message_id in self.remote.new():
            if message_id not in self.foreign and message_id not in self.pending:
                self.pending.append(message_id)
        done = Round()
        while self.pending:
            chunk = self.pending[:CHUNK]
            heads = self.remote.headers(chunk)
            taken = ours(self.rt, heads)
            taken.update(self._returned(heads, taken))
            left = [i for i in chunk if i in heads and i not in taken]
            self.foreign.update(left)
            done.left += len(left)
            stored, failure = self._store([i for i in chunk if i in taken], taken)
            self.remote.mark(
                stored, settings.inbound_mailbox_mark, settings.inbound_mailbox_processed
            )
            done.stored += len(stored)
            finished = set(stored) | set(left) | {i for i in chunk if i not in heads}
            self.pending = [i for i in self.pending if i not in finished]
            if failure is not None:  # the stored ones are marked; the rest wait here
                raise failure
        return done

    def _returned(
        self, heads: dict[str, bytes], taken: dict[str, list[str]]
    ) -> dict[str, list[str]]:
        """Delivery reports (bounces) of emails we sent from this mailbox: sent through the
        API (or SMTP with XOAUTH2) an email's envelope sender is the mailbox, not our VERP
        address, so its bounce comes back here naming only the returned message. A report
        is downloaded and taken when the Message-ID it returns is one of ours; others'
        reports stay untouched."""
        found: dict[str, list[str]] = {}
        for message_id, head in heads.items():
            if message_id in taken or not _REPORT.search(head):
                continue
            raw = self.remote.raw(message_id)
            returned = set(_RETURNED.findall(raw[: self.rt.settings.inbound_max_bytes]))
            if returned:
                ids = {i.decode("ascii", "replace") for i in list(returned)[:MAX_RETURNED]}
                with self.rt.db.read() as session:
                    if our_message_ids(session, ids):
                        found[message_id] = []
                        self._raw[message_id] = raw
        return found

    def _store(
        self, ids: list[str], rcpt: dict[str, list[str]]
    ) -> tuple[list[str], Exception | None]:
        stored: list[str] = []
        for message_id in ids:
            try:
                raw = self._raw.pop(message_id, None) or self.remote.raw(message_id)
                if len(raw) > self.rt.settings.inbound_max_bytes:
                    log.warning(
                        "mailbox %s: a message is larger than MAILFLOW_INBOUND_MAX_BYTES; "
                        "left in the mailbox",
                        self.label,
                    )
                    self.foreign.add(message_id)
                    self.pending.remove(message_id)
                    continue
                inbound_id = store_raw(
                    self.rt, raw, channel=self.kind, mail_from=None, rcpt_to=rcpt[message_id]
                )
            except API_FAILURES as exc:
                return stored, exc
            stored.append(message_id)
            self.on_stored(inbound_id)
        return stored, None

    def run(self, stop: threading.Event) -> None:
        """Until ``stop``: a round every poll interval; after a failure a growing pause."""
        pause = BACKOFF_S[0]
        log.info(
            "mailbox %s: polling every %s s", self.label, self.rt.settings.inbound_mailbox_poll_s
        )
        while not stop.is_set():
            try:
                self.round()
            except API_FAILURES as exc:
                self.failed(exc)
                log.warning("mailbox %s: %s; trying again in %.0f s", self.label, exc, pause)
                stop.wait(pause * random.uniform(0.8, 1.0))
                pause = min(pause * 2, BACKOFF_S[1])
                continue
            self.succeeded()
            pause = BACKOFF_S[0]
            stop.wait(self.rt.settings.inbound_mailbox_poll_s)

    def succeeded(self) -> None:
        # with messages pending, the position is past them: a restart would never see them
        saved = None if self.pending else self.remote.position
        record_success(
            self.rt, self.label, "inbound", self.kind, waiting=len(self.pending), position=saved
        )

    def failed(self, exc: Exception) -> None:
        auth = isinstance(exc, ApiError) and exc.auth
        what = f"cannot store messages ({exc})" if isinstance(exc, StoreError) else str(exc)
        record_failure(self.rt, self.label, "inbound", self.kind, what, auth, len(self.pending))
