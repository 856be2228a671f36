"""OAuth2 access tokens for the mail providers: client credentials (Microsoft 365, app-only),
a refresh token (Google or Microsoft, delegated) and a Google service account with
domain-wide delegation (a JWT signed with the account's RSA key). Each source keeps its
token and fetches a new one a few minutes before it expires, or at once after the provider
answered 401. Secrets are never part of a message, a log line or a ``repr``."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
from dkim.crypto import RSASSA_PKCS1_v1_5_sign, parse_pem_private_key

MARGIN_S = 300  # a token is renewed this long before it expires (half a short one's life)
TIMEOUT_S = 30
TRIES = 4  # a throttled (429) or failing (5xx) token endpoint is asked this often
MAX_WAIT_S = 60.0
GOOGLE_SCOPES = (
    "https://www.googleapis.com/auth/gmail.modify",
    "https://www.googleapis.com/auth/gmail.send",
)
MICROSOFT_GRAPH_SCOPE = "https://graph.microsoft.com/.default"
# SASL XOAUTH2 logins (SMTP and IMAP): Exchange Online's resource, and Google's full mail scope
MICROSOFT_MAIL_SCOPE = "https://outlook.office365.com/.default"
GOOGLE_MAIL_SCOPE = "https://mail.google.com/"


class TokenError(Exception):
    """No token: ``auth`` when the provider refused the credentials (a wrong secret, a
    revoked grant, a missing consent) rather than being unreachable."""

    def __init__(self, message: str, auth: bool = False) -> None:
        super().__init__(message)
        self.auth = auth


class TokenSource:
    """One cached access token, renewed before it expires."""

    def __init__(
        self, token_url: str, clock: Callable[[], float] = time.time, label: str = ""
    ) -> None:
        self.token_url = token_url
        self.label = label
        self._clock = clock
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = threading.Lock()
        self._http = requests.Session()
        self.fetched = 0  # how many tokens were fetched (for the log and the tests)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.label or self.token_url})"

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._renew_at:
                self._token, lifetime = self._fetch()
                # a token living less than twice the margin is renewed at half its life, so
                # it is not fetched anew at every use
                self._renew_at = self._clock() + lifetime - min(MARGIN_S, lifetime / 2)
                self.fetched += 1
            return self._token

    def fresh_for(self) -> float:
        """Seconds until the current token is due for renewal (0: none, or due now). A
        session logged in with it (IMAP) logs in again by then: servers end a session
        whose token expired."""
        with self._lock:
            if self._token is None:
                return 0.0
            return max(0.0, self._renew_at - self._clock())

    def invalidate(self) -> None:
        """The provider refused the token (revoked, or a clock out of step): fetch anew."""
        with self._lock:
            self._token = None

    def _form(self) -> dict[str, str]:
        raise NotImplementedError

    def _fetch(self) -> tuple[str, float]:
        for attempt in range(1, TRIES + 1):
            try:
                answer = self._http.post(self.token_url, data=self._form(), timeout=TIMEOUT_S)
            except requests.RequestException as exc:
                if attempt == TRIES:
                    raise TokenError(
                        f"the token endpoint is unreachable ({type(exc).__name__})"
                    ) from None
                time.sleep(min(2.0**attempt, MAX_WAIT_S))
                continue
            if answer.status_code == 429 or answer.status_code >= 500:
                if attempt == TRIES:
                    raise TokenError(f"the token endpoint answered {answer.status_code}")
                time.sleep(retry_after(answer.headers.get("Retry-After"), attempt))
                continue
            body = _json(answer)
            if answer.status_code != 200 or "access_token" not in body:
                raise TokenError(
                    f"the provider refused the credentials: {_refusal(body, answer.status_code)}",
                    auth=answer.status_code in (400, 401, 403),
                )
            return str(body["access_token"]), float(body.get("expires_in", 3600))
        raise AssertionError("unreachable")  # the loop returns or raises


class ClientCredentials(TokenSource):
    """App-only access (Microsoft identity platform, OAuth2 client credentials grant)."""

    def __init__(
        self, token_url: str, client_id: str, client_secret: str, scope: str, **kw: Any
    ) -> None:
        super().__init__(token_url, **kw)
        self._client = (client_id, client_secret)
        self.scope = scope

    def _form(self) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": self._client[0],
            "client_secret": self._client[1],
            "scope": self.scope,
        }


class RefreshToken(TokenSource):
    """Delegated access: a refresh token given once by a person's consent."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        scope: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(token_url, **kw)
        self._client = (client_id, client_secret, refresh_token)
        self.scope = scope

    def _form(self) -> dict[str, str]:
        form = {
            "grant_type": "refresh_token",
            "client_id": self._client[0],
            "client_secret": self._client[1],
            "refresh_token": self._client[2],
        }
        if self.scope:
            form["scope"] = self.scope
        return form


class ServiceAccount(TokenSource):
    """A Google service account acting as ``subject`` (domain-wide delegation): the
    JWT bearer grant (RFC 7523), signed RS256 with the key from the account's JSON file."""

    def __init__(
        self, key_json: str, subject: str, scopes: tuple[str, ...], token_url: str, **kw: Any
    ) -> None:
        super().__init__(token_url, **kw)
        try:
            key = json.loads(key_json)
            self._email = str(key["client_email"])
            self._key = parse_pem_private_key(str(key["private_key"]).encode())
        except (ValueError, KeyError, TypeError) as exc:
            raise TokenError(
                f"the service account key is not usable ({type(exc).__name__})", auth=True
            ) from None
        self.subject = subject
        self.scopes = scopes

    def _form(self) -> dict[str, str]:
        now = int(self._clock())
        claims = {
            "iss": self._email,
            "sub": self.subject,
            "scope": " ".join(self.scopes),
            "aud": self.token_url,
            "iat": now,
            "exp": now + 3600,
        }
        head = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
        body = _b64(json.dumps(claims).encode())
        signature = RSASSA_PKCS1_v1_5_sign(hashlib.sha256(f"{head}.{body}".encode()), self._key)
        return {
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": f"{head}.{body}.{_b64(signature)}",
        }


def retry_after(value: str | None, attempt: int) -> float:
    """Seconds to wait: the server's Retry-After (seconds), else a growing pause."""
    try:
        seconds = float(value) if value else 2.0**attempt
    except ValueError:
        seconds = 2.0**attempt
    return max(0.0, min(seconds, MAX_WAIT_S))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _json(answer: requests.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _refusal(body: dict[str, Any], status: int) -> str:
    """The provider's error code and its first sentence (never our request)."""
    code = str(body.get("error") or status)
    description = str(body.get("error_description") or "").split("\r\n")[0].split(". ")[0]
    return f"{code} ({description[:200]})" if description else code
