"""Reading a Microsoft 365 (Graph) or Gmail mailbox goes on after a restart where the last
process stopped: the delta link / history id is saved on the connection's row, only once
every message listed before it was stored; a position the provider no longer knows lists
the folder again, and what is stored twice the pipeline's dedupe keeps once. Against the
local server speaking the providers' documented endpoints (``tests/providers.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from mailflow.actions.connections import record_success
from mailflow.inbound.mailbox.api import ApiFetcher
from mailflow.inbound.process import process
from mailflow.mail.providers import ApiMailbox, api_mailbox
from mailflow.models import InboundEmail, MailConnection
from mailflow.settings import Settings
from tests.conftest import make_settings
from tests.inbound.conftest import Offered
from tests.inbound.test_ways_in import _cli, _env
from tests.mail import reply
from tests.providers import (
    CLIENT_ID,
    REFRESH_TOKEN,
    TENANT,
    Message,
    Server,
    State,
    provider_env,
)

MAILBOX = "leads@nordwind.test"
URLS = {"graph": f"graph://{TENANT}/{MAILBOX}", "gmail": f"gmail://{MAILBOX}"}


class Crash(BaseException):
    """The process dies (not an error the reader handles)."""


@pytest.fixture
def provider() -> Iterator[Server]:
    with Server() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, db_url: str, provider: Server) -> Settings:
    return make_settings(
        tmp_path,
        db_url,
        GMAIL_CLIENT_ID=CLIENT_ID,
        GMAIL_CLIENT_SECRET="x",
        GMAIL_REFRESH_TOKEN=REFRESH_TOKEN,
        **provider_env(provider),
    )


def _remote(offered: Offered, kind: str) -> ApiMailbox:
    return api_mailbox(offered.rt.settings, URLS[kind])


def _foreign(n: int) -> bytes:
    return reply(
        f"Please send a quote for {n} heat pumps.",
        to="sales@nordwind.test",
        sender=f"customer{n}@example.org",
        subject=f"Quote request {n}",
    )


def _inbox(state: State, kind: str) -> list[Message]:
    return state.in_folder("inbox") if kind == "graph" else state.with_label("INBOX")


def _saved(offered: Offered, kind: str) -> str | None:
    with offered.rt.db.read() as s:
        return s.exec(
            select(MailConnection.position).where(MailConnection.name == URLS[kind])
        ).one()


def _header_reads(state: State, message_id: str) -> int:
    return sum(
        r.startswith("GET ") and r.endswith(f"/messages/{message_id}") for r in state.requests
    )


@pytest.mark.parametrize("kind", ["graph", "gmail"])
def test_a_restarted_reader_goes_on_from_the_saved_position_without_rereading_the_folder(
    offered: Offered, provider: Server, kind: str
) -> None:
    state = provider.state
    foreign = [state.add(_foreign(1)), state.add(_foreign(2))]
    state.add(offered.reply_from(0, "No, thank you."))
    stored: list[int] = []
    done = ApiFetcher(offered.rt, _remote(offered, kind), stored.append).once()
    assert (done.stored, done.left) == (1, 2)
    saved = _saved(offered, kind)
    assert saved is not None

    state.add(offered.reply_from(1, "We'll take it!"))
    restarted = ApiFetcher(offered.rt, _remote(offered, kind), stored.append)
    done = restarted.once()
    assert (done.stored, done.left) == (1, 0)  # the foreign mail was not listed again
    assert [_header_reads(state, i) for i in foreign] == [1, 1]
    if kind == "graph":
        assert state.deltas == [0, int(saved.rpartition("=")[2])]
    else:
        assert state.history_starts == [int(saved)]
    assert _saved(offered, kind) != saved
    for inbound_id in stored:
        process(offered.rt, inbound_id)
    assert offered.offer_states()[:2] == ["declined", "picked"]


@pytest.mark.parametrize("kind", ["graph", "gmail"])
def test_the_position_moves_only_after_the_listed_messages_were_stored(
    offered: Offered, provider: Server, kind: str
) -> None:
    state = provider.state
    foreign = _foreign(1)
    state.add(foreign)
    ApiFetcher(offered.rt, _remote(offered, kind), lambda _id: None).once()
    before = _saved(offered, kind)
    assert before is not None
    declined = offered.reply_from(0, "No, thank you.")
    state.add(declined)
    state.add(offered.reply_from(1, "We'll take it!"))

    def crash(_inbound_id: int) -> None:  # the process dies after the first commit
        raise Crash

    with pytest.raises(Crash):
        ApiFetcher(offered.rt, _remote(offered, kind), crash).once()
    assert _saved(offered, kind) == before  # not past the messages not yet stored
    assert len(_inbox(state, kind)) == 3  # the stored one was not marked either

    stored: list[int] = []
    done = ApiFetcher(offered.rt, _remote(offered, kind), stored.append).once()
    assert (done.stored, done.left) == (2, 0)  # the first one again
    assert _saved(offered, kind) != before
    assert [m.raw for m in _inbox(state, kind)] == [foreign]
    with offered.rt.db.read() as s:
        first = s.exec(select(InboundEmail.id).order_by(col(InboundEmail.id))).first()
    outcomes = [process(offered.rt, i) for i in [first, *stored]]
    assert sorted(o.state for o in outcomes if o) == ["applied", "applied", "duplicate"]
    assert offered.offer_states()[:2] == ["declined", "picked"]


@pytest.mark.parametrize("reset", ["graph 410", "graph 400", "gmail 404"])
def test_a_position_the_provider_no_longer_knows_lists_the_folder_again(
    offered: Offered, provider: Server, reset: str
) -> None:
    kind = reset.split()[0]
    state = provider.state
    state.add(_foreign(1))
    state.add(offered.reply_from(0, "No, thank you."))
    assert ApiFetcher(offered.rt, _remote(offered, kind), lambda _id: None).once().stored == 1
    before = _saved(offered, kind)
    if reset == "graph 410":
        state.delta_gone = True  # a synchronization reset
    elif reset == "graph 400":
        state.delta_expired = True  # syncStateNotFound: the token expired
    else:
        state.oldest_history = 10**6  # the history id is too old

    state.add(offered.reply_from(1, "We'll take it!"))
    done = ApiFetcher(offered.rt, _remote(offered, kind), lambda _id: None).once()
    assert (done.stored, done.left) == (1, 1)  # the whole folder, its foreign mail again
    if kind == "graph":
        assert state.deltas[-2:] == [int(str(before).rpartition("=")[2]), 0]
    else:
        assert state.history_starts == [int(str(before))]
        assert sum(r.endswith("/messages") for r in state.requests) == 2
    assert _saved(offered, kind) not in (None, before)


def test_a_saved_delta_link_to_another_host_is_not_followed(
    offered: Offered, provider: Server
) -> None:
    record_success(
        offered.rt,
        URLS["graph"],
        "inbound",
        "graph",
        position="https://elsewhere.example/v1.0/users/x/messages/delta?$deltatoken=9",
    )
    provider.state.add(offered.reply_from(0, "No, thank you."))
    fetcher = ApiFetcher(offered.rt, _remote(offered, "graph"), lambda _id: None)
    assert fetcher.remote.position is None  # the bearer token goes only to the configured API
    assert fetcher.once().stored == 1
    assert provider.state.deltas == [0]


def test_inbound_fetch_once_run_twice_goes_on_from_the_saved_delta_link(
    offered: Offered, provider: Server, tmp_path: Path
) -> None:
    state = provider.state
    state.add(_foreign(1))
    state.add(offered.reply_from(0, "No, thank you."))
    env = {
        **_env(offered, tmp_path),
        **{f"MAILFLOW_{k}": v for k, v in provider_env(provider).items()},
        "MAILFLOW_INBOUND_MAILBOX_URL": URLS["graph"],
    }
    done = _cli(["inbound", "fetch", "--once"], env)
    assert done.returncode == 0, done.stderr
    assert b"1 stored, 1 left" in done.stdout

    state.add(offered.reply_from(1, "We'll take it!"))
    done = _cli(["inbound", "fetch", "--once"], env)  # another process
    assert done.returncode == 0, done.stderr
    assert b"1 stored, 0 left" in done.stdout
    assert len(state.deltas) == 2 and state.deltas[1] > 0
    assert offered.offer_states()[:2] == ["declined", "picked"]
