"""``mailflow inbound fetch`` on Microsoft 365 (Graph) and Gmail (the Gmail API) mailboxes,
against a local server speaking the providers' documented endpoints over real HTTP: the
replies are stored, processed and moved (labelled); everything else stays untouched;
throttling and expired tokens are survived; a refused credential is recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from mailflow.inbound.mailbox.api import ApiFetcher
from mailflow.inbound.process import process
from mailflow.mail.apiclient import ApiError
from mailflow.mail.providers import api_mailbox
from mailflow.models import InboundEmail, MailConnection, OutboundEmail
from mailflow.runtime import Runtime
from mailflow.settings import Settings
from tests.conftest import make_settings
from tests.inbound.conftest import Offered
from tests.inbound.test_ways_in import _cli, _env
from tests.mail import reply
from tests.providers import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    TENANT,
    Server,
    provider_env,
    service_account,
)

MAILBOX = "leads@nordwind.test"
GRAPH_URL = f"graph://{TENANT}/{MAILBOX}"
GMAIL_URL = f"gmail://{MAILBOX}"


@pytest.fixture
def provider() -> Iterator[Server]:
    with Server() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, db_url: str, provider: Server) -> Settings:
    return make_settings(tmp_path, db_url, INBOUND_MAILBOX_URL=GRAPH_URL, **provider_env(provider))


def _thread_root(offered: Offered, i: int) -> str:
    with offered.rt.db.read() as s:
        found = s.exec(
            select(OutboundEmail.message_id).where(
                OutboundEmail.offer_id == offered.offers[i].id,
                OutboundEmail.contact_id == offered.contacts[i].id,
            )
        ).first()
    assert found
    return found


def _foreign(n: int) -> bytes:
    return reply(
        f"Please send a quote for {n} heat pumps.",
        to="sales@nordwind.test",
        sender=f"customer{n}@example.org",
        subject=f"Quote request {n}",
    )


def _mail(offered: Offered) -> tuple[bytes, bytes, list[bytes]]:
    keyed = offered.reply_from(0, "No, thank you.")
    threaded = reply(
        "We'll take it!",
        to=MAILBOX,
        sender=offered.contacts[1].email,
        headers={"In-Reply-To": f"<{_thread_root(offered, 1)}>"},
    )
    forged = reply("pick", to="reply+1.2.3.forged@reply.mailflow.test", sender="x@evil.test")
    return keyed, threaded, [_foreign(1), forged, _foreign(2)]


def _connection(rt: Runtime, name: str) -> MailConnection:
    with rt.db.read() as s:
        row = s.exec(select(MailConnection).where(MailConnection.name == name)).one()
        s.expunge(row)
    return row


def test_graph_fetch_once_takes_the_replies_moves_them_and_leaves_the_rest(
    offered: Offered, provider: Server, tmp_path: Path
) -> None:
    state = provider.state
    keyed, threaded, others = _mail(offered)
    for raw in (others[0], keyed, others[1], threaded, others[2]):
        state.add(raw)

    env = {
        **_env(offered, tmp_path),
        **{f"MAILFLOW_{k}": v for k, v in provider_env(provider).items()},
        "MAILFLOW_INBOUND_MAILBOX_URL": GRAPH_URL,
    }
    done = _cli(["inbound", "fetch", "--once"], env)
    assert done.returncode == 0, done.stderr
    assert b"2 stored, 3 left" in done.stdout
    assert CLIENT_SECRET not in (done.stdout + done.stderr).decode()

    assert offered.lead_state() == "picked"
    assert offered.offer_states() == ["declined", "picked", "taken"]
    with offered.rt.db.read() as s:
        rows = list(s.exec(select(InboundEmail).order_by(col(InboundEmail.id))))
        assert [(r.channel, r.raw) for r in rows] == [("graph", keyed), ("graph", threaded)]
    # the processed folder "mailflow/processed" was made as a child of "mailflow"
    (parent_id,) = [i for i, (p, n) in state.folders.items() if p is None and n == "mailflow"]
    (target,) = [i for i, (p, n) in state.folders.items() if p == parent_id]
    assert sorted(m.raw for m in state.in_folder(target)) == sorted([keyed, threaded])
    assert sorted(m.raw for m in state.in_folder("inbox")) == sorted(others)
    # only the headers of the foreign messages were read, never their content
    assert not any(r.endswith("/$value") and "moved" in r for r in state.requests)
    assert sum(r.endswith("/$value") for r in state.requests) == 2
    row = _connection(offered.rt, GRAPH_URL)
    assert row.last_success_at is not None and row.last_error is None and row.kind == "graph"


def test_graph_rounds_survive_throttling_and_expired_tokens_and_see_only_new_mail(
    offered: Offered, provider: Server
) -> None:
    state = provider.state
    state.expires_in = 3599
    keyed, _, others = _mail(offered)
    state.add(others[0])
    taken: list[int] = []
    fetcher = ApiFetcher(offered.rt, api_mailbox(offered.rt.settings, GRAPH_URL), taken.append)

    state.throttle = 2  # the first two calls answer 429 + Retry-After: 1
    done = fetcher.round()
    assert (done.stored, done.left) == (0, 1)
    assert len(state.token_requests) == 1
    state.add(keyed)
    state.expire_tokens()  # the token is refused before its announced expiry
    done = fetcher.round()
    assert (done.stored, done.left) == (1, 0)  # the foreign one is not read again
    assert len(state.token_requests) == 2
    assert fetcher.remote.api.throttled == 2
    assert len(taken) == 1
    assert fetcher.round().stored == 0  # the moved message is not taken twice
    state.delta_gone = True  # the delta link expired: the whole inbox is listed again
    state.add(offered.reply_from(2, "We'll take it!"))
    done = fetcher.round()
    assert (done.stored, done.left) == (1, 0)  # the foreign one is still known as foreign


def test_graph_flag_mark_categorises_and_delta_does_not_bring_it_back(
    offered: Offered, provider: Server
) -> None:
    rt = Runtime(offered.rt.settings.with_(inbound_mailbox_mark="flag"), clock=offered.rt.clock)
    keyed, _, _ = _mail(offered)
    message_id = provider.state.add(keyed)
    fetcher = ApiFetcher(rt, api_mailbox(rt.settings, GRAPH_URL), lambda _id: None)
    assert fetcher.round().stored == 1
    assert provider.state.messages[message_id].categories == ["mailflow"]
    fetcher.pending.clear()
    assert fetcher.round().stored == 0  # the change (the category) comes back in the delta
    rt.close()


def test_a_refused_client_secret_is_recorded_as_an_auth_failure(
    offered: Offered, provider: Server
) -> None:
    settings = offered.rt.settings.with_(graph_client_secret="wrong")
    fetcher = ApiFetcher(offered.rt, api_mailbox(settings, GRAPH_URL), lambda _id: None)
    with pytest.raises(ApiError) as caught:
        fetcher.once()
    assert caught.value.auth and "invalid_client" in str(caught.value)
    assert "wrong" not in str(caught.value)
    row = _connection(offered.rt, GRAPH_URL)
    assert row.auth_failed and row.last_error and "invalid_client" in row.last_error
    state = provider.state
    state.add(offered.reply_from(0, "No, thank you."))
    ApiFetcher(offered.rt, api_mailbox(offered.rt.settings, GRAPH_URL), lambda _id: None).once()
    row = _connection(offered.rt, GRAPH_URL)
    assert not row.auth_failed and row.last_error is None and row.last_success_at


def test_gmail_with_a_service_account_labels_the_replies_and_follows_the_history(
    offered: Offered, provider: Server, tmp_path: Path
) -> None:
    key = service_account(tmp_path)
    provider.trust_service_account(key)
    settings = offered.rt.settings.with_(gmail_service_account=key)
    state = provider.state
    keyed, threaded, others = _mail(offered)
    for raw in (others[0], keyed, others[1]):
        state.add(raw)
    stored: list[int] = []
    fetcher = ApiFetcher(offered.rt, api_mailbox(settings, GMAIL_URL), stored.append)
    done = fetcher.once()
    assert (done.stored, done.left) == (1, 2)
    assert state.token_requests[0]["grant_type"].endswith("jwt-bearer")
    (label,) = [i for i, n in state.labels.items() if n == "mailflow/processed"]
    assert [m.raw for m in state.with_label(label)] == [keyed]
    assert sorted(m.raw for m in state.with_label("INBOX")) == sorted(others[:2])

    state.add(threaded)
    assert fetcher.once().stored == 1  # found through history.list
    assert any("/history" in r for r in state.requests)
    state.oldest_history = 10**6  # the history id expired: everything is listed again
    state.add(others[2])
    done = fetcher.once()
    assert (done.stored, done.left) == (0, 1)
    with offered.rt.db.read() as s:
        channels = s.exec(select(InboundEmail.channel)).all()
    assert channels == ["gmail", "gmail"]


def test_gmail_with_a_refresh_token(offered: Offered, provider: Server) -> None:
    settings = offered.rt.settings.with_(
        gmail_client_id=CLIENT_ID, gmail_client_secret="x", gmail_refresh_token=REFRESH_TOKEN
    )
    provider.state.add(offered.reply_from(2, "We'll take it!"))
    fetcher = ApiFetcher(offered.rt, api_mailbox(settings, GMAIL_URL), lambda _id: None)
    assert fetcher.once().stored == 1
    assert provider.state.token_requests[0] == {
        "grant_type": "refresh_token",
        "client_id": CLIENT_ID,
        "client_secret": "x",
        "refresh_token": REFRESH_TOKEN,
    }


def _report(returned_id: str, n: int, recipient: str) -> bytes:
    """A delivery report to the mailbox (the envelope sender of API-sent mail), returning
    the headers of the message that failed."""
    return (
        "From: Microsoft Outlook <postmaster@nordwind.onmicrosoft.com>\r\n"
        f"To: {MAILBOX}\r\nSubject: Undeliverable: New lead\r\n"
        f"Message-ID: <ndr-{n}@nordwind.onmicrosoft.com>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message couldn't be delivered.\r\n\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; outlook.office365.com\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 RESOLVER.ADR.RecipNotFound\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: {MAILBOX}\r\nTo: {recipient}\r\nMessage-ID: <{returned_id}>\r\n"
        "Subject: New lead\r\n\r\n--B--\r\n"
    ).encode()


def test_a_bounce_of_api_sent_mail_is_taken_from_the_mailbox_and_others_stay(
    offered: Offered, provider: Server
) -> None:
    ours_id = _thread_root(offered, 0)
    state = provider.state
    recipient = offered.contacts[0].email
    state.add(_report(ours_id, 1, recipient))
    state.add(_report("someone-elses@nordwind.onmicrosoft.com", 2, recipient))
    stored: list[int] = []
    fetcher = ApiFetcher(offered.rt, api_mailbox(offered.rt.settings, GRAPH_URL), stored.append)
    done = fetcher.once()
    assert (done.stored, done.left) == (1, 1)
    outcome = process(offered.rt, stored[0])
    assert outcome is not None and outcome.state == "bounce"
    assert [b"ndr-2@" in m.raw for m in state.in_folder("inbox")] == [True]
