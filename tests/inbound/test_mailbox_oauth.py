"""IMAP with ``?auth=xoauth2&provider=…``: the access token is fetched from the provider's
token endpoint (Microsoft's client credentials, Google's refresh token: the token sources
SMTP and the APIs use), sent in AUTHENTICATE XOAUTH2 to a real Dovecot that checks it by
token introspection at the same local provider (``tests/providers.py``), renewed before
it expires, fetched anew when the server refuses it, and never logged."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from mailflow.inbound.mailbox.config import Mailbox
from mailflow.inbound.mailbox.connection import MailboxError
from mailflow.inbound.mailbox.fetch import Fetcher
from mailflow.mail.providers import xoauth2_tokens
from mailflow.models import MailConnection
from mailflow.settings import Settings
from tests.conftest import make_settings
from tests.dovecot import Dovecot, available
from tests.inbound.conftest import Offered
from tests.inbound.test_mailbox import _foreign, _until
from tests.inbound.test_ways_in import _cli, _env
from tests.providers import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, TENANT, Server, provider_env
from tests.services import require

PROVIDERS = {
    "microsoft": f"provider=microsoft&tenant={TENANT}",
    "google": "provider=google",
}
LIFETIME_S = 3599  # what the token endpoint announces


@pytest.fixture
def provider() -> Iterator[Server]:
    with Server() as server:
        yield server


@pytest.fixture
def dovecot(tmp_path: Path, provider: Server) -> Iterator[Dovecot]:
    require(available(), "Dovecot (Debian package dovecot-imapd)")
    folder = tmp_path / "dovecot"
    folder.mkdir()
    with Dovecot(folder, introspection_url=f"{provider.url}/introspect") as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, db_url: str, provider: Server, dovecot: Dovecot) -> Settings:
    return make_settings(
        tmp_path,
        db_url,
        INBOUND_MAILBOX_CA_CERTS=str(dovecot.ca_file),
        INBOUND_MAILBOX_POLL_S="1",
        GMAIL_CLIENT_ID=CLIENT_ID,
        GMAIL_CLIENT_SECRET="google-client-secret",
        GMAIL_REFRESH_TOKEN=REFRESH_TOKEN,
        **provider_env(provider),
    )


def _url(dovecot: Dovecot, which: str) -> str:
    return f"imaps://sales@127.0.0.1:{dovecot.imaps_port}/INBOX?auth=xoauth2&{PROVIDERS[which]}"


def _xoauth2_logins(dovecot: Dovecot) -> int:
    return sum(
        "Login: user=<sales>" in line and "method=XOAUTH2" in line
        for line in dovecot.log().splitlines()
    )


def _secrets(provider: Server) -> list[str]:
    return [CLIENT_SECRET, REFRESH_TOKEN, "google-client-secret", *provider.state.tokens]


@pytest.mark.parametrize("which", ["microsoft", "google"])
def test_the_token_is_fetched_sent_with_xoauth2_and_renewed_before_it_expires(
    offered: Offered,
    provider: Server,
    dovecot: Dovecot,
    which: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    state = provider.state
    state.expires_in = LIFETIME_S
    dovecot.append([offered.reply_from(0, "We'll take it!"), _foreign(1)])
    fetcher = Fetcher(offered.rt, Mailbox.from_url(_url(dovecot, which)), lambda _id: None)
    assert (fetcher.once().stored, _xoauth2_logins(dovecot)) == (1, 1)
    (asked,) = state.token_requests
    if which == "microsoft":
        assert asked["grant_type"] == "client_credentials"
        assert asked["scope"] == "https://outlook.office365.com/.default"
    else:
        assert asked["grant_type"] == "refresh_token"
    first = list(state.tokens)
    assert state.introspected == first  # Dovecot checked the token we were given

    offered.rt.clock.advance(seconds=LIFETIME_S - 600)  # still good for ten minutes
    dovecot.append([offered.reply_from(1, "No, thank you.")])
    assert fetcher.once().stored == 1
    assert len(state.token_requests) == 1  # the same token, kept

    offered.rt.clock.advance(seconds=400)  # less than five minutes left: a new one first
    dovecot.append([offered.reply_from(2, "No, thank you.")])
    assert fetcher.once().stored == 1
    assert len(state.token_requests) == 2
    assert state.introspected[-1] not in first and _xoauth2_logins(dovecot) == 3
    logged = caplog.text + dovecot.log()
    assert not [s for s in _secrets(provider) if s in logged]


def test_a_token_the_server_refuses_is_fetched_anew_and_the_login_repeated(
    offered: Offered, provider: Server, dovecot: Dovecot
) -> None:
    state = provider.state
    fetcher = Fetcher(offered.rt, Mailbox.from_url(_url(dovecot, "microsoft")), lambda _id: None)
    assert fetcher.once().stored == 0
    state.expire_tokens()  # revoked before its announced expiry
    dovecot.append([offered.reply_from(0, "We'll take it!")])
    assert fetcher.once().stored == 1
    assert len(state.token_requests) == 2 and len(state.introspected) == 3
    assert _xoauth2_logins(dovecot) == 2


def test_a_refused_client_secret_is_an_auth_failure_told_without_the_secret(
    offered: Offered, provider: Server, dovecot: Dovecot
) -> None:
    rt = offered.rt
    rt.settings = rt.settings.with_(graph_client_secret="wrong-secret-value")
    fetcher = Fetcher(rt, Mailbox.from_url(_url(dovecot, "microsoft")), lambda _id: None)
    with pytest.raises(MailboxError) as caught:
        fetcher.once()
    assert caught.value.auth and "invalid_client" in str(caught.value)
    assert "wrong-secret-value" not in str(caught.value)
    with rt.db.read() as s:
        row = s.exec(select(MailConnection).where(MailConnection.name == fetcher.label)).one()
    assert row.auth_failed and row.last_error and "wrong-secret-value" not in row.last_error
    assert provider.state.introspected == []  # no login was tried without a token


def test_a_long_session_logs_in_again_before_its_token_expires(
    offered: Offered, provider: Server, dovecot: Dovecot, caplog: pytest.LogCaptureFixture
) -> None:
    provider.state.expires_in = LIFETIME_S
    ids: list[int] = []
    fetcher = Fetcher(offered.rt, Mailbox.from_url(_url(dovecot, "google")), ids.append)
    stop = threading.Event()
    thread = threading.Thread(target=fetcher.run, args=(stop,))
    caplog.set_level(logging.INFO, logger="mailflow.inbound.mailbox")
    thread.start()
    try:
        _until(lambda: "waiting with IDLE" in caplog.text)
        dovecot.append([offered.reply_from(0, "No, thank you.")])
        _until(lambda: len(ids) == 1)
        offered.rt.clock.advance(seconds=LIFETIME_S - 120)  # the token is due for renewal
        dovecot.append([offered.reply_from(1, "No, thank you.")])  # wakes the IDLE
        _until(lambda: len(ids) == 2)
        _until(lambda: caplog.text.count("connected (waiting with IDLE)") == 2)
        dovecot.append([offered.reply_from(2, "We'll take it!")])
        _until(lambda: len(ids) == 3)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert "logging in again with a new token" in caplog.text
    assert len(provider.state.token_requests) == 2 and _xoauth2_logins(dovecot) == 2
    assert "refused" not in caplog.text  # renewed before the server had to end the session


def test_inbound_fetch_once_with_an_oauth2_imap_mailbox(
    offered: Offered, provider: Server, dovecot: Dovecot, tmp_path: Path
) -> None:
    dovecot.append([offered.reply_from(0, "We'll take it!"), _foreign(1)])
    env = {
        **_env(offered, tmp_path),
        **{f"MAILFLOW_{k}": v for k, v in provider_env(provider).items()},
        "MAILFLOW_INBOUND_MAILBOX_URL": _url(dovecot, "microsoft"),
        "MAILFLOW_INBOUND_MAILBOX_CA_CERTS": str(dovecot.ca_file),
    }
    done = _cli(["inbound", "fetch", "--once"], env)
    assert done.returncode == 0, done.stderr
    assert b"1 stored, 1 left" in done.stdout
    assert offered.lead_state() == "picked"

    del env["MAILFLOW_GRAPH_CLIENT_SECRET"]
    done = _cli(["inbound", "fetch", "--once"], env)
    assert done.returncode == 78
    assert b"MAILFLOW_GRAPH_CLIENT_SECRET" in done.stderr


def test_a_short_lived_token_is_renewed_at_half_its_life(provider: Server, tmp_path: Path) -> None:
    now = [1_000_000.0]
    settings = make_settings(tmp_path, "sqlite://", **provider_env(provider))
    tokens = xoauth2_tokens(settings, "sales@nordwind.test", "microsoft", TENANT, lambda: now[0])
    provider.state.expires_in = 120  # shorter than twice the five minutes' margin
    first = tokens.token()
    assert tokens.fresh_for() == 60
    now[0] += 59
    assert tokens.token() == first and len(provider.state.token_requests) == 1
    now[0] += 2
    assert tokens.fresh_for() == 0
    assert tokens.token() != first and len(provider.state.token_requests) == 2
