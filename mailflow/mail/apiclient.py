"""HTTP calls to a mail provider's REST API (Microsoft Graph, the Gmail API) with a bearer
token: a 401 fetches a new token and asks once more; throttling (429, and 503 / 504 with
Retry-After) waits as long as the provider says and asks again, a few times; any other
refusal is an :class:`ApiError` in plain words."""

from __future__ import annotations

import time
from typing import Any

import requests

from mailflow.mail.oauth import TokenError, TokenSource, retry_after

TIMEOUT_S = 60
TRIES = 5
_THROTTLED = (429, 503, 504)


class ApiError(Exception):
    """``status`` 0 when the provider could not be reached; ``auth`` when it refused our
    credentials or their permissions (401 / 403, or no token); ``code`` the provider's error
    code, when it gave one."""

    def __init__(self, message: str, status: int = 0, auth: bool = False, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.auth = auth
        self.code = code


class ApiClient:
    def __init__(self, base_url: str, tokens: TokenSource, name: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens
        self.name = name  # "Microsoft Graph", "the Gmail API": for the messages
        self.http = requests.Session()
        self.throttled = 0  # answers that asked us to wait (for the log and the tests)

    def call(
        self,
        method: str,
        path: str,
        *,
        ok: tuple[int, ...] = (200,),
        **kw: Any,
    ) -> requests.Response:
        """``path`` relative to the base URL, or a whole URL (a next or delta link)."""
        url = path if path.startswith(("http://", "https://")) else self.base_url + path
        extra = kw.pop("headers", {})
        renewed = False
        for attempt in range(1, TRIES + 1):
            try:
                token = self.tokens.token()
            except TokenError as exc:
                raise ApiError(str(exc), auth=exc.auth) from None
            headers = {**extra, "Authorization": f"Bearer {token}"}
            try:
                answer = self.http.request(method, url, headers=headers, timeout=TIMEOUT_S, **kw)
            except requests.RequestException as exc:
                if attempt == TRIES:
                    raise ApiError(f"{self.name} is unreachable ({type(exc).__name__})") from None
                time.sleep(min(2.0**attempt, 30.0))
                continue
            if answer.status_code in ok:
                return answer
            if answer.status_code == 401 and not renewed:
                self.tokens.invalidate()  # expired early or revoked: one more try, new token
                renewed = True
                continue
            if answer.status_code in _THROTTLED and attempt < TRIES:
                self.throttled += 1
                time.sleep(retry_after(answer.headers.get("Retry-After"), attempt))
                continue
            code, message = _error(answer)
            raise ApiError(
                f"{self.name} answered {answer.status_code}: {message}",
                status=answer.status_code,
                auth=answer.status_code in (401, 403),
                code=code,
            )
        raise ApiError(f"{self.name} kept asking us to wait", status=429)

    def json(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        body = self.call(method, path, **kw).json()
        return body if isinstance(body, dict) else {}


def _error(answer: requests.Response) -> tuple[str, str]:
    """The error's code, and code with message, from the body both APIs use:
    ``{"error": {...}}``."""
    try:
        body = answer.json()
    except ValueError:
        return "", answer.reason or "no details"
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code = str(error.get("code") or error.get("status") or "")
        return code, f"{code} {str(error.get('message') or '')[:200]}".strip()
    return "", str(error or answer.reason)[:200]
