"""SMTP delivery with one reused connection per sender."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
import threading
from urllib.parse import unquote, urlsplit


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
        """Send one message; reconnects once when a reused connection has gone stale."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._conn is None:
                        self._conn = self._connect()
                    self._conn.sendmail(mail_from, [to], data)
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
