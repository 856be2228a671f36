"""SMTP delivery with one reused connection per sender, through smtplib's ``sendmail``
(which resets the transaction after a refusal and closes the connection on a 421)."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
import threading
from urllib.parse import parse_qs, unquote, urlsplit

from mailflow.mail.oauth import TokenError, TokenSource


class DeliveryError(Exception):
    """The relay refused or could not be reached; ``permanent`` for a 5xx answer."""

    def __init__(self, message: str, permanent: bool = False, auth: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.auth = auth  # our credentials were refused: no fault of the email


class SmtpSender:
    """``smtp://user:pass@host:port`` (STARTTLS when offered) or ``smtps://`` (implicit TLS);
    with ``tokens`` the login is SASL XOAUTH2 with an OAuth2 access token (Microsoft 365,
    Gmail) instead of the password."""

    def __init__(self, url: str, timeout: float = 30.0, tokens: TokenSource | None = None) -> None:
        parts = urlsplit(url)
        self.tokens = tokens
        self.xoauth2 = parse_qs(parts.query).get("auth") == ["xoauth2"]
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
        if self.user and self.xoauth2:
            self._xoauth2(conn)
        elif self.user:
            conn.login(self.user, self.password or "")
        return conn

    def probe(self) -> bool:
        """Connect and log in as sending does (TLS, password or XOAUTH2), then hang up;
        whether the session was encrypted. Raises what sending would raise."""
        conn = self._connect()
        encrypted = isinstance(conn.sock, ssl.SSLSocket)
        conn.quit()
        return encrypted

    def _xoauth2(self, conn: smtplib.SMTP) -> None:
        if self.tokens is None:
            raise DeliveryError("auth=xoauth2 without a token source")
        try:
            token = self.tokens.token()
        except TokenError as exc:
            conn.close()
            raise DeliveryError(f"no OAuth2 token: {exc}", auth=exc.auth) from None
        blob = f"user={self.user}\x01auth=Bearer {token}\x01\x01"
        try:  # a refusal comes as a 334 challenge (JSON) answered with an empty line
            conn.auth("XOAUTH2", lambda challenge=None: "" if challenge else blob)
        except smtplib.SMTPAuthenticationError:
            self.tokens.invalidate()  # the next connection asks for a new token
            conn.close()
            raise

    def send(self, mail_from: str, to: str, data: bytes) -> None:
        """Send one message; reconnects once when a reused connection has gone stale.
        Returning means the relay accepted the message."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._conn is None:
                        self._conn = self._connect()
                    # Microsoft 365 refuses another envelope sender than the mailbox logged
                    # in (SendAsDenied) and Gmail rewrites it: the mailbox gets the bounces
                    envelope = self.user if self.xoauth2 and self.user else mail_from
                    self._conn.sendmail(envelope, [to], data)
                    return
                except smtplib.SMTPRecipientsRefused as exc:
                    code = next(iter(exc.recipients.values()))[0]
                    raise DeliveryError(
                        f"recipient refused: {exc.recipients}", code >= 500
                    ) from exc
                except smtplib.SMTPAuthenticationError as exc:  # ours to fix: not the email's
                    self._drop()
                    if attempt == 2:
                        raise DeliveryError(
                            f"the relay refused our login ({exc.smtp_code})", auth=True
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
