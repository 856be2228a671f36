"""SMTP delivery with one reused connection per sender.

One mail transaction is smtplib's ``sendmail`` in its parts, without its per-address
parse and its dot-stuffing regex (together about a third of smtplib's CPU per email).
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl
import threading
from urllib.parse import unquote, urlsplit

# An address that needs no quoting in a MAIL/RCPT path (smtplib parses every address).
_PLAIN_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$")


class DeliveryError(Exception):
    """The relay refused or could not be reached; ``permanent`` for a 5xx answer."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SmtpSender:
    """``smtp://user:pass@host:port`` (STARTTLS when offered) or ``smtps://`` (implicit TLS)."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.implicit_tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout
        self._conn: smtplib.SMTP | None = None
        self._lock = threading.Lock()

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            conn.ehlo()
            if conn.has_extn("starttls") and self.host not in ("127.0.0.1", "localhost", "::1"):
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
        if self.user:
            conn.login(self.user, self.password or "")
        return conn

    def send(self, mail_from: str, to: str, data: bytes) -> None:
        """Send one message; reconnects once when a reused connection has gone stale.
        Returning means the relay accepted the message."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._conn is None:
                        self._conn = self._connect()
                    _transaction(self._conn, mail_from, to, data)
                    return
                except smtplib.SMTPRecipientsRefused as exc:
                    code = next(iter(exc.recipients.values()))[0]
                    raise DeliveryError(
                        f"recipient refused: {exc.recipients}", code >= 500
                    ) from exc
                except smtplib.SMTPResponseException as exc:
                    if exc.smtp_code >= 500:
                        raise DeliveryError(f"{exc.smtp_code} {exc.smtp_error!r}", True) from exc
                    self._drop()
                    if attempt == 2:
                        raise DeliveryError(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
                except (OSError, smtplib.SMTPException) as exc:
                    self._drop()
                    if attempt == 2:
                        raise DeliveryError(f"relay unreachable: {exc}") from exc

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
            self._conn = None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(OSError, smtplib.SMTPException):
                    self._conn.quit()
                self._conn = None


def _path(address: str) -> str:
    return f"<{address}>" if _PLAIN_ADDRESS.match(address) else smtplib.quoteaddr(address)


def _transaction(conn: smtplib.SMTP, mail_from: str, to: str, data: bytes) -> None:
    """MAIL, RCPT, DATA as ``sendmail`` does them (same errors raised, RSET after a
    refusal)."""
    conn.ehlo_or_helo_if_needed()
    size = f" SIZE={len(data)}" if conn.does_esmtp and conn.has_extn("size") else ""
    conn.putcmd("mail", f"FROM:{_path(mail_from)}{size}")
    code, resp = conn.getreply()
    if code != 250:
        _reset(conn, code)
        raise smtplib.SMTPSenderRefused(code, resp, mail_from)
    conn.putcmd("rcpt", f"TO:{_path(to)}")
    code, resp = conn.getreply()
    if code not in (250, 251):
        _reset(conn, code)
        raise smtplib.SMTPRecipientsRefused({to: (code, resp)})
    conn.putcmd("data")
    code, resp = conn.getreply()
    if code != 354:
        _reset(conn, code)
        raise smtplib.SMTPDataError(code, resp)
    # Dot-stuffing: the same as smtplib's multi-line regex, as one bytes.replace.
    body = data.replace(b"\n.", b"\n..")
    if body.startswith(b"."):
        body = b"." + body
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    conn.send(body + b".\r\n")
    code, resp = conn.getreply()
    if code != 250:
        _reset(conn, code)
        raise smtplib.SMTPDataError(code, resp)


def _reset(conn: smtplib.SMTP, code: int) -> None:
    if code == 421:  # the relay is closing the connection
        conn.close()
    else:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            conn.rset()
