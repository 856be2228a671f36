"""An IMAP session on one mailbox, on the standard library's :mod:`imaplib`: TLS (implicit
or STARTTLS, required unless the URL says ``tls=off``), login or XOAUTH2 (the token from a
token source, a token file or the URL), and the few
commands the fetcher needs — UID SEARCH and FETCH, MOVE (else COPY and delete), keywords,
and IDLE, which imaplib only has from Python 3.14 and is written here on its primitives."""

from __future__ import annotations

import contextlib
import imaplib
import io
import math
import re
import select
import socket
import ssl
import threading
import time
from collections.abc import Iterable

from mailflow.inbound.mailbox.config import Mailbox
from mailflow.mail.apiclient import ApiError
from mailflow.mail.oauth import TokenError, TokenSource

TIMEOUT_S = 60  # one command's answer
TAKEN = "$MailflowTaken"  # the keyword of a message taken when the mark is "flag"
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
# LIST's answer: (flags) "delimiter" name; bounded, as every pattern on a server's bytes
_DELIMITER = re.compile(rb'\([^)]{0,200}\) (?:"((?:[^"\\]|\\.){0,8})"|NIL) ')


class MailboxError(Exception):
    """A refusal by the server or a setup that cannot work, in plain words; ``auth`` when
    our credentials were refused (the login, or the provider's token endpoint)."""

    def __init__(self, message: str, auth: bool = False) -> None:
        super().__init__(message)
        self.auth = auth


class Session:
    def __init__(
        self, box: Mailbox, ca_file: str | None = None, tokens: TokenSource | None = None
    ) -> None:
        self.box = box
        self.tokens = tokens
        self.conn = _open(box, ca_file)
        try:
            self._login()
            # asked again: before the login servers announce only a few (no MOVE, no UIDPLUS)
            typ, data = self.conn.capability()
            self._ok(typ, data, "list its capabilities")
        except BaseException:
            with contextlib.suppress(OSError):
                self.conn.shutdown()
            raise
        self.capabilities = set(_text(data[-1]).upper().split())
        self.can_idle = "IDLE" in self.capabilities
        self._delimiter: str | None = None

    def _login(self) -> None:
        box = self.box
        try:
            if box.auth != "xoauth2":
                self.conn.login(box.user, box.secret())
            elif self.tokens is None:
                self._xoauth2(box.secret())
            else:
                self._xoauth2_fetched(self.tokens)
        except imaplib.IMAP4.error as exc:
            raise MailboxError(
                f"the server refused the login of {box.user}: {_text(exc)}", auth=True
            ) from None
        except OSError as exc:
            if box.auth == "xoauth2" and box.token_file:  # the token file, not the network
                raise MailboxError(f"cannot read the token file: {exc.strerror}") from None
            raise

    def _xoauth2_fetched(self, tokens: TokenSource) -> None:
        """A token the server refuses (revoked, expired early) is fetched anew once."""
        for attempt in (1, 2):
            try:
                token = tokens.token()
            except TokenError as exc:
                raise MailboxError(f"no OAuth2 token: {exc}", auth=exc.auth) from None
            try:
                self._xoauth2(token)
                return
            except imaplib.IMAP4.error:
                tokens.invalidate()
                if attempt == 2:
                    raise

    def _xoauth2(self, token: str) -> None:
        blob = f"user={self.box.user}\x01auth=Bearer {token}\x01\x01".encode()
        # a refusal comes as a challenge (the error, JSON) answered with an empty line
        self.conn.authenticate("XOAUTH2", lambda challenge: b"" if challenge else blob)

    def fresh_for(self) -> float:
        """Seconds this session may go on before it logs in again with a renewed token
        (servers end a session whose token expired); without a token source, always."""
        return self.tokens.fresh_for() if self.tokens is not None else math.inf

    def close(self) -> None:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):  # going anyway
            self.conn.logout()
        with contextlib.suppress(OSError):
            self.conn.shutdown()

    # -- reading ------------------------------------------------------------------
    def select(self, folder: str) -> int:
        """Open ``folder`` read-write; returns its UIDVALIDITY."""
        typ, data = self.conn.select(self.quoted(folder))
        if typ != "OK":
            raise MailboxError(f"cannot open the folder {folder!r}: {_text(data)}")
        _, found = self.conn.response("UIDVALIDITY")
        return int(found[-1]) if found and found[-1] else 0

    def waiting(self, mark: str) -> list[int]:
        """The UIDs not yet taken (deleted ones are on their way out; flagged ones taken)."""
        criteria = f"UNDELETED UNKEYWORD {TAKEN}" if mark == "flag" else "UNDELETED"
        self.conn.untagged_responses.clear()  # an EXISTS after this means new mail
        typ, data = self.conn.uid("SEARCH", criteria)
        self._ok(typ, data, "search")
        return sorted(int(u) for u in (data[0] or b"").split())

    def headers(self, uids: list[int]) -> dict[int, tuple[int, bytes]]:
        """UID → (size, header bytes), without setting \\Seen."""
        found: dict[int, tuple[int, bytes]] = {}
        for head, body in self._fetch(uids, "(UID RFC822.SIZE BODY.PEEK[HEADER])"):
            uid, size = _UID.search(head), _SIZE.search(head)
            if uid:
                found[int(uid.group(1))] = (int(size.group(1)) if size else len(body), body)
        return found

    def bodies(self, uids: list[int]) -> dict[int, bytes]:
        found: dict[int, bytes] = {}
        for head, body in self._fetch(uids, "(UID BODY.PEEK[])"):
            uid = _UID.search(head)
            if uid:
                found[int(uid.group(1))] = body
        return found

    def _fetch(self, uids: list[int], what: str) -> list[tuple[bytes, bytes]]:
        if not uids:
            return []
        typ, data = self.conn.uid("FETCH", uid_set(uids), what)
        self._ok(typ, data, "fetch")
        return [(item[0], item[1]) for item in data if isinstance(item, tuple)]

    def news(self) -> bool:
        """Whether the server told of new mail since the last :meth:`waiting`."""
        return any(k in self.conn.untagged_responses for k in ("EXISTS", "RECENT"))

    # -- marking ------------------------------------------------------------------
    def mark(self, uids: list[int], how: str, folder: str) -> None:
        """Move the messages to ``folder``, flag them as taken, or delete them."""
        if not uids:
            return
        which = uid_set(uids)
        if how == "flag":
            self._ok(*self.conn.uid("STORE", which, "+FLAGS.SILENT", f"({TAKEN})"), "flag")
        elif how == "move" and "MOVE" in self.capabilities:
            self._ok(*self.conn.uid("MOVE", which, self.quoted(folder)), "move")
        else:
            if how == "move":
                self._ok(*self.conn.uid("COPY", which, self.quoted(folder)), "copy")
            self._ok(*self.conn.uid("STORE", which, "+FLAGS.SILENT", r"(\Deleted)"), "delete")
            if "UIDPLUS" in self.capabilities:  # only these: others' \Deleted stay theirs
                self._ok(*self.conn.uid("EXPUNGE", which), "expunge")
        self.conn.untagged_responses.pop("EXPUNGE", None)

    def ensure_folder(self, folder: str) -> None:
        name = self.quoted(folder)
        typ, data = self.conn.list('""', name)
        if typ == "OK" and any(data):
            return
        typ, data = self.conn.create(name)
        self._ok(typ, data, f"create the folder {folder!r}")

    def quoted(self, folder: str) -> str:
        """``folder`` written with ``/`` between levels, in the server's own delimiter."""
        if self._delimiter is None:
            typ, data = self.conn.list('""', '""')
            first = data[0] if typ == "OK" and data else None
            found = _DELIMITER.match(first) if isinstance(first, bytes) else None
            self._delimiter = found.group(1).decode() if found and found.group(1) else "/"
        name = folder.replace("/", self._delimiter)
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'

    # -- waiting ------------------------------------------------------------------
    def idle(self, seconds: float, stop: threading.Event) -> None:
        """IDLE (RFC 2177) until the server tells of a change, ``seconds`` passed or ``stop``
        is set. Written on imaplib's primitives (tag, send, read a response)."""
        conn = self.conn
        tag = conn._new_tag()  # imaplib before 3.14 has no IDLE
        conn.send(tag + b" IDLE\r\n")
        while conn._get_response() is not None:  # until the "+" continuation
            if conn.tagged_commands.get(tag):
                typ, data = conn._get_tagged_response(tag)
                raise MailboxError(f"the server refused IDLE: {_text(data)}")
        deadline = time.monotonic() + seconds
        while not stop.is_set() and time.monotonic() < deadline and not self._readable(1.0):
            pass
        conn.send(b"DONE\r\n")
        typ, data = conn._get_tagged_response(tag)  # reads what came meanwhile
        self._ok(typ, data, "idle")

    def _readable(self, timeout: float) -> bool:
        """Whether the server sent something: in imaplib's buffer, TLS's, or the socket's."""
        sock = self.conn.sock
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return True
        previous = sock.gettimeout()
        sock.setblocking(False)
        try:
            buffered: io.BufferedReader = self.conn.file  # type: ignore[assignment]
            if buffered.peek(1):
                return True
        except (OSError, ValueError):
            pass  # nothing buffered (a non-blocking TLS read says "want read")
        finally:
            sock.settimeout(previous)
        return bool(select.select([sock], [], [], timeout)[0])

    def noop(self) -> None:
        self._ok(*self.conn.noop(), "noop")

    def _ok(self, typ: str, data: Iterable[object], what: str) -> None:
        if typ != "OK":
            raise MailboxError(f"the server refused to {what}: {_text(data)}")


def _open(box: Mailbox, ca_file: str | None) -> imaplib.IMAP4:
    context = ssl.create_default_context(cafile=ca_file)
    if box.tls == "implicit":
        return imaplib.IMAP4_SSL(box.host, box.port, ssl_context=context, timeout=TIMEOUT_S)
    conn = imaplib.IMAP4(box.host, box.port, timeout=TIMEOUT_S)
    if box.tls == "off":
        return conn
    if "STARTTLS" not in conn.capabilities:
        conn.shutdown()
        raise MailboxError(
            "the server does not offer STARTTLS; use imaps://, or ?tls=off on a trusted network"
        )
    conn.starttls(context)
    return conn


def uid_set(uids: Iterable[int]) -> str:
    """``[1, 2, 3, 7]`` → ``"1:3,7"``."""
    ranges: list[list[int]] = []
    for uid in sorted(set(uids)):
        if ranges and uid == ranges[-1][1] + 1:
            ranges[-1][1] = uid
        else:
            ranges.append([uid, uid])
    return ",".join(f"{a}:{b}" if a != b else str(a) for a, b in ranges)


def _text(value: object) -> str:
    """A server's answer as words (it never holds our password: that is only sent)."""
    if isinstance(value, BaseException):
        value = value.args[0] if value.args else ""
    if isinstance(value, list | tuple):
        value = b" ".join(v for v in value if isinstance(v, bytes))
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value)[:300]


def describe(exc: BaseException) -> str:
    """What went wrong, for the log, in plain words."""
    if isinstance(exc, MailboxError | ApiError):
        return str(exc)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the server's TLS certificate is not trusted ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        return f"the TLS handshake failed ({exc.reason or exc})"
    if isinstance(exc, socket.gaierror):
        return "the host name does not resolve"
    if isinstance(exc, ConnectionRefusedError):
        return "the server refused the connection (is it running, is the port right?)"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "the server did not answer in time"
    if isinstance(exc, imaplib.IMAP4.abort):
        return f"the connection broke off ({_text(exc)})"
    if isinstance(exc, imaplib.IMAP4.error):
        return f"the server answered with an error ({_text(exc)})"
    if isinstance(exc, OSError):
        return f"network error ({exc.strerror or type(exc).__name__})"
    return type(exc).__name__
