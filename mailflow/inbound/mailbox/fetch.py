"""Take the replies out of one mailbox: read each new message's header, fetch and store the
ones that are ours (the same store as the SMTP server's), and only after the commit mark
them on the server — moved to the processed folder, flagged, or deleted, as set. A crash
between the store and the mark leaves the message in the mailbox: it is stored again at
the next round and the pipeline's dedupe (by Message-ID) keeps one.

:meth:`Fetcher.run` keeps at it: IDLE where the server offers it, polling otherwise, and
after any failure it connects again with a growing pause. UIDs only mean something within
one UIDVALIDITY: when the folder's changes, what was remembered by UID is forgotten.
With ``?auth=xoauth2&provider=…`` the access token comes from the provider (the same token
sources as SMTP's and the APIs'), and a session logs in again before its token expires."""

from __future__ import annotations

import imaplib
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mailflow.actions.connections import record_failure, record_success
from mailflow.actions.inbound.store import StoreError, store_raw
from mailflow.inbound.mailbox.config import Mailbox
from mailflow.inbound.mailbox.connection import MailboxError, Session, describe
from mailflow.inbound.mailbox.ours import ours
from mailflow.mail.oauth import TokenSource
from mailflow.mail.providers import xoauth2_tokens

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
CHUNK = 100  # messages per FETCH
IDLE_S = 25 * 60  # IDLE is renewed before the 29 minutes after which servers may drop it
BACKOFF_S = (1.0, 300.0)  # the first pause after a failure, and the longest
FAILURES = (OSError, imaplib.IMAP4.error, MailboxError, StoreError)


@dataclass
class Round:
    stored: int = 0  # messages stored (and marked) this round
    left: int = 0  # messages not ours, left in the mailbox


class Fetcher:
    def __init__(
        self, rt: Runtime, box: Mailbox, on_stored: Callable[[int], None] | None = None
    ) -> None:
        self.rt = rt
        self.box = box
        self.on_stored = on_stored or rt.process_inbound
        self.uidvalidity: int | None = None
        self.foreign: set[int] = set()  # UIDs of messages read and left alone (not ours)
        self.label = box.label
        self.tokens = _tokens(rt, box)

    def succeeded(self) -> None:
        record_success(self.rt, self.label, "inbound", "imap")

    def failed(self, exc: BaseException) -> None:
        auth = isinstance(exc, MailboxError) and exc.auth
        record_failure(self.rt, self.label, "inbound", "imap", describe(exc), auth)

    def connect(self) -> Session:
        session = Session(self.box, self.rt.settings.inbound_mailbox_ca_certs, self.tokens)
        if self.rt.settings.inbound_mailbox_mark == "move":
            session.ensure_folder(self.rt.settings.inbound_mailbox_processed)
        return session

    def once(self) -> Round:
        """Connect, take what is there, log out."""
        try:
            session = self.connect()
            try:
                done = self.round(session)
            finally:
                session.close()
        except FAILURES as exc:
            self.failed(exc)
            raise
        self.succeeded()
        return done

    def round(self, session: Session) -> Round:
        settings = self.rt.settings
        uidvalidity = session.select(self.box.folder)
        if uidvalidity != self.uidvalidity:
            if self.uidvalidity is not None:
                log.warning(
                    "mailbox %s: the folder was recreated (UIDVALIDITY %s → %s); reading all "
                    "of its messages again",
                    self.box.label,
                    self.uidvalidity,
                    uidvalidity,
                )
            self.uidvalidity, self.foreign = uidvalidity, set()
        new = [
            uid for uid in session.waiting(settings.inbound_mailbox_mark) if uid not in self.foreign
        ]
        done = Round()
        for start in range(0, len(new), CHUNK):
            chunk = new[start : start + CHUNK]
            heads = session.headers(chunk)
            taken = ours(self.rt, {uid: head for uid, (_, head) in heads.items()})
            too_big = {uid for uid in taken if heads[uid][0] > settings.inbound_max_bytes}
            for uid in sorted(too_big):
                log.warning(
                    "mailbox %s: message UID %s is larger than MAILFLOW_INBOUND_MAX_BYTES; "
                    "left in the mailbox",
                    self.box.label,
                    uid,
                )
            self.foreign.update(uid for uid in chunk if uid not in taken or uid in too_big)
            done.left += len(chunk) - len(taken) + len(too_big)
            wanted = sorted(set(taken) - too_big)
            stored, failure = self._store(session.bodies(wanted), taken)
            session.mark(stored, settings.inbound_mailbox_mark, settings.inbound_mailbox_processed)
            done.stored += len(stored)
            if failure is not None:  # the stored ones are marked; the rest wait in the mailbox
                raise failure
        return done

    def _store(
        self, bodies: dict[int, bytes], rcpt: dict[int, list[str]]
    ) -> tuple[list[int], StoreError | None]:
        """Store each message (one commit each): the UIDs stored, and the failure that
        stopped it, if one did."""
        stored: list[int] = []
        for uid, raw in sorted(bodies.items()):
            try:
                inbound_id = store_raw(
                    self.rt, raw, channel="imap", mail_from=None, rcpt_to=rcpt[uid]
                )
            except StoreError as exc:
                return stored, exc
            stored.append(uid)
            self.on_stored(inbound_id)
        return stored, None

    def run(self, stop: threading.Event) -> None:
        """Until ``stop``: take new mail as it comes; connect again after any failure."""
        pause = BACKOFF_S[0]
        while not stop.is_set():
            try:
                session = self.connect()
            except FAILURES as exc:
                pause = self._failed(exc, pause, stop)
                continue
            log.info("mailbox %s: connected (%s)", self.box.label, self._waits(session))
            try:
                while not stop.is_set():
                    self.round(session)
                    self.succeeded()
                    pause = BACKOFF_S[0]
                    if session.fresh_for() <= 0:
                        log.info("mailbox %s: logging in again with a new token", self.label)
                        break
                    if not session.news():
                        self._wait(session, stop)
            except FAILURES as exc:
                pause = self._failed(exc, pause, stop)
            finally:
                session.close()

    def _wait(self, session: Session, stop: threading.Event) -> None:
        """Until new mail, the next poll, or the time to renew the session's token."""
        if session.can_idle:
            session.idle(min(IDLE_S, session.fresh_for()), stop)
        elif not stop.wait(min(self.rt.settings.inbound_mailbox_poll_s, session.fresh_for())):
            session.noop()

    def _waits(self, session: Session) -> str:
        if session.can_idle:
            return "waiting with IDLE"
        return f"the server has no IDLE: polling every {self.rt.settings.inbound_mailbox_poll_s} s"

    def _failed(self, exc: BaseException, pause: float, stop: threading.Event) -> float:
        self.failed(exc)
        log.warning("mailbox %s: %s; trying again in %.0f s", self.box.label, describe(exc), pause)
        stop.wait(pause * random.uniform(0.8, 1.0))
        return min(pause * 2, BACKOFF_S[1])


def _tokens(rt: Runtime, box: Mailbox) -> TokenSource | None:
    """The token source of an XOAUTH2 mailbox with a ``provider``, on the runtime's clock."""
    if box.auth != "xoauth2" or box.provider is None:
        return None
    return xoauth2_tokens(
        rt.settings, box.user, box.provider, box.tenant, lambda: rt.clock.now().timestamp()
    )
