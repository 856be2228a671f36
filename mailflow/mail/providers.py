"""From a connection URL and the settings to the object that serves it: the token source
(Microsoft client credentials; a Google service account or refresh token) of an API or of
an XOAUTH2 login (SMTP, IMAP), the mailbox client of ``graph://<tenant>/<address>`` and
``gmail://<address>``, and the outbound sender of ``MAILFLOW_SMTP_URL`` (SMTP with a
password or XOAUTH2, Graph, Gmail)."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import parse_qs, unquote, urlsplit

from mailflow.mail.apiclient import ApiError
from mailflow.mail.gmail import GmailMailbox
from mailflow.mail.graph import GraphMailbox
from mailflow.mail.oauth import (
    GOOGLE_MAIL_SCOPE,
    GOOGLE_SCOPES,
    MICROSOFT_GRAPH_SCOPE,
    MICROSOFT_MAIL_SCOPE,
    ClientCredentials,
    RefreshToken,
    ServiceAccount,
    TokenError,
    TokenSource,
)
from mailflow.mail.send import DeliveryError, SmtpSender
from mailflow.settings import Settings

ApiMailbox = GraphMailbox | GmailMailbox


def is_api(url: str) -> bool:
    return url.startswith(("graph://", "gmail://"))


Now = Callable[[], float]


def microsoft_tokens(
    settings: Settings, tenant: str, scope: str, clock: Now = time.time
) -> TokenSource:
    if not settings.graph_client_id or not settings.graph_client_secret:
        raise TokenError(
            "set MAILFLOW_GRAPH_CLIENT_ID and MAILFLOW_GRAPH_CLIENT_SECRET (or _FILE)", auth=True
        )
    return ClientCredentials(
        f"{settings.graph_login_url}/{tenant}/oauth2/v2.0/token",
        settings.graph_client_id,
        settings.graph_client_secret,
        scope,
        clock=clock,
        label=f"microsoft:{tenant}",
    )


def google_tokens(
    settings: Settings, subject: str, scopes: tuple[str, ...], clock: Now = time.time
) -> TokenSource:
    if settings.gmail_service_account:
        return ServiceAccount(
            settings.gmail_service_account,
            subject,
            scopes,
            settings.google_token_url,
            clock=clock,
            label=f"google:{subject}",
        )
    if settings.gmail_client_id and settings.gmail_client_secret and settings.gmail_refresh_token:
        return RefreshToken(
            settings.google_token_url,
            settings.gmail_client_id,
            settings.gmail_client_secret,
            settings.gmail_refresh_token,
            clock=clock,
            label=f"google:{subject}",
        )
    raise TokenError(
        "set MAILFLOW_GMAIL_SERVICE_ACCOUNT_FILE, or MAILFLOW_GMAIL_CLIENT_ID, "
        "MAILFLOW_GMAIL_CLIENT_SECRET and MAILFLOW_GMAIL_REFRESH_TOKEN",
        auth=True,
    )


def xoauth2_tokens(
    settings: Settings, user: str, provider: str, tenant: str, clock: Now = time.time
) -> TokenSource:
    """The tokens of a SASL XOAUTH2 login (SMTP or IMAP, ``?auth=xoauth2&provider=…``):
    Microsoft's client credentials for Exchange Online in ``tenant``, or Google's service
    account (acting as ``user``) or refresh token."""
    if provider == "microsoft":
        return microsoft_tokens(settings, tenant, MICROSOFT_MAIL_SCOPE, clock)
    return google_tokens(settings, user, (GOOGLE_MAIL_SCOPE,), clock)


def api_mailbox(settings: Settings, url: str) -> ApiMailbox:
    """``graph://<tenant>/<address>[?folder=…]`` or ``gmail://<address>[?label=…]``."""
    scheme, _, rest = url.partition("://")
    where, _, query = rest.partition("?")
    options = {k: v[-1] for k, v in parse_qs(query).items()}
    if scheme == "graph":
        tenant, _, address = where.partition("/")
        tokens = microsoft_tokens(settings, tenant, MICROSOFT_GRAPH_SCOPE)
        return GraphMailbox(
            settings.graph_api_url, tokens, tenant, unquote(address), options.get("folder", "inbox")
        )
    address = unquote(where)
    tokens = google_tokens(settings, address, GOOGLE_SCOPES)
    return GmailMailbox(settings.gmail_api_url, tokens, address, options.get("label", "INBOX"))


class ApiSender:
    """Sends through a mailbox's API. The envelope sender is the mailbox itself: bounces
    come back to that mailbox (read it as an inbound connection too to take them)."""

    def __init__(self, mailbox: ApiMailbox) -> None:
        self.mailbox = mailbox
        self.label = mailbox.label

    def send(self, mail_from: str, to: str, data: bytes) -> None:
        try:
            self.mailbox.send(data)
        except ApiError as exc:
            # 400 / 413: this message can never go; an auth or throttling problem is ours
            permanent = exc.status in (400, 413) and not exc.auth
            raise DeliveryError(str(exc), permanent, auth=exc.auth) from None

    def close(self) -> None:
        self.mailbox.api.http.close()


def outbound_sender(settings: Settings, url: str) -> SmtpSender | ApiSender:
    if is_api(url):
        try:
            return ApiSender(api_mailbox(settings, url))
        except TokenError as exc:
            raise DeliveryError(str(exc), auth=True) from None
    query = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
    if query.get("auth") != "xoauth2":
        return SmtpSender(url)
    user = unquote(urlsplit(url).username or "")
    try:
        tokens = xoauth2_tokens(settings, user, query.get("provider", ""), query.get("tenant", ""))
    except TokenError as exc:
        raise DeliveryError(str(exc), auth=True) from None
    return SmtpSender(url, tokens=tokens)


def connection_label(url: str) -> str:
    """How a connection is named on the console and in the log: never with a secret."""
    if url == "capture":
        return "capture"
    if is_api(url):
        return url.partition("?")[0]
    parts = urlsplit(url)
    user = f"{unquote(parts.username)}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user}{parts.hostname}{port}{parts.path}"
