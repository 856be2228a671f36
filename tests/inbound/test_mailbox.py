"""``mailflow inbound fetch`` against a real Dovecot (Debian's ``dovecot-imapd``, started
per test on free ports with a throw-away configuration and TLS certificate): the replies
in a shared mailbox are stored, processed and moved; everything else stays untouched."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

import pytest
from sqlmodel import col, select

from mailflow.inbound.mailbox.config import Mailbox
from mailflow.inbound.mailbox.connection import MailboxError
from mailflow.inbound.mailbox.fetch import Fetcher
from mailflow.inbound.process import process
from mailflow.models import InboundEmail, OutboundEmail
from mailflow.runtime import Runtime
from mailflow.settings import Settings
from tests.conftest import make_settings
from tests.dovecot import Dovecot, available
from tests.inbound.conftest import Offered
from tests.inbound.test_ways_in import _cli, _env
from tests.mail import reply
from tests.services import require

PROCESSED = "mailflow/processed"


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    require(available(), "Dovecot (Debian package dovecot-imapd)")
    folder = tmp_path / "dovecot"
    folder.mkdir()
    with Dovecot(folder) as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, db_url: str, dovecot: Dovecot) -> Settings:
    return make_settings(
        tmp_path,
        db_url,
        INBOUND_MAILBOX_URL=dovecot.url(),
        INBOUND_MAILBOX_CA_CERTS=str(dovecot.ca_file),
        INBOUND_MAILBOX_POLL_S="1",
    )


def _foreign(n: int) -> bytes:
    return reply(
        f"Hello, please send a quote for 3 heat pumps ({n}).",
        to="sales@nordwind.test",
        sender=f"customer{n}@example.org",
        subject=f"Quote request {n}",
    )


def _crlf(raw: bytes) -> bytes:
    """A message as IMAP hands it out: lines end in CRLF."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _thread_root(offered: Offered, i: int) -> str:
    """The Message-ID of the offer email the ``i``-th contact received."""
    with offered.rt.db.read() as s:
        found = s.exec(
            select(OutboundEmail.message_id).where(
                OutboundEmail.offer_id == offered.offers[i].id,
                OutboundEmail.contact_id == offered.contacts[i].id,
            )
        ).first()
    assert found
    return found


def _stored(rt: Runtime) -> list[InboundEmail]:
    with rt.db.read() as s:
        rows = list(s.exec(select(InboundEmail).order_by(col(InboundEmail.id))))
        s.expunge_all()
    return rows


def _until(check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_fetch_once_takes_the_replies_processes_them_and_leaves_the_rest(
    offered: Offered, dovecot: Dovecot, tmp_path: Path
) -> None:
    keyed = offered.reply_from(0, "No, thank you.")
    threaded = reply(  # no reply key: the client answered the From address, in the thread
        "We'll take it!",
        to="leads@nordwind.test",
        sender=offered.contacts[1].email,
        headers={"In-Reply-To": f"<{_thread_root(offered, 1)}>"},
    )
    forged = reply("pick", to="reply+1.2.3.forged@reply.mailflow.test", sender="x@evil.test")
    dovecot.append([_foreign(1), keyed, forged, threaded, _foreign(2)])

    env = {
        **_env(offered, tmp_path),
        "MAILFLOW_INBOUND_MAILBOX_URL": dovecot.url(scheme="imap"),  # STARTTLS
        "MAILFLOW_INBOUND_MAILBOX_CA_CERTS": str(dovecot.ca_file),
    }
    done = _cli(["inbound", "fetch", "--once"], env)
    assert done.returncode == 0, done.stderr
    assert b"2 stored, 3 left" in done.stdout
    assert dovecot.password not in (done.stdout + done.stderr).decode()

    assert offered.lead_state() == "picked"
    assert offered.offer_states() == ["declined", "picked", "taken"]
    rows = _stored(offered.rt)
    assert [r.channel for r in rows] == ["imap", "imap"]
    assert [r.raw for r in rows] == [_crlf(keyed), _crlf(threaded)]
    assert len(dovecot.uids(PROCESSED)) == 2
    left = dovecot.headers()
    assert len(left) == 3 and all(b"\\Seen" not in h.split(b"\r\n", 1)[0] for h in left)
    assert sorted(b"Quote request" in h for h in left) == [False, True, True]
    assert "TLS" in dovecot.log().split("Login: user=<sales>")[-1].split("\n")[0]


def test_a_crash_between_store_and_move_stores_again_and_dedupe_keeps_one(
    offered: Offered, dovecot: Dovecot
) -> None:
    dovecot.append([offered.reply_from(0, "We'll take it!")])
    box = Mailbox.from_url(dovecot.url())

    def crash(inbound_id: int) -> None:
        raise SystemExit("the process died after the commit")

    with pytest.raises(SystemExit):
        Fetcher(offered.rt, box, on_stored=crash).once()
    assert len(dovecot.uids()) == 1 and dovecot.uids(PROCESSED) == []  # not moved

    ids: list[int] = []
    assert Fetcher(offered.rt, box, on_stored=ids.append).once().stored == 1
    assert dovecot.uids() == [] and len(dovecot.uids(PROCESSED)) == 1
    first, second = (r.id for r in _stored(offered.rt))
    assert ids == [second]
    outcomes = [process(offered.rt, i) for i in (first, second)]
    assert [o.state if o else None for o in outcomes] == ["applied", "duplicate"]
    assert offered.lead_state() == "picked"


def test_idle_takes_new_mail_as_it_arrives_and_reconnects_after_a_restart(
    offered: Offered, dovecot: Dovecot, caplog: pytest.LogCaptureFixture
) -> None:
    ids: list[int] = []
    fetcher = Fetcher(offered.rt, Mailbox.from_url(dovecot.url()), on_stored=ids.append)
    stop = threading.Event()
    thread = threading.Thread(target=fetcher.run, args=(stop,))
    caplog.set_level(logging.INFO, logger="mailflow.inbound.mailbox")
    thread.start()
    try:
        _until(lambda: "waiting with IDLE" in caplog.text)
        dovecot.append([_foreign(1), offered.reply_from(0, "We'll take it!")])
        _until(lambda: len(ids) == 1)
        dovecot.restart()
        dovecot.append([offered.reply_from(1, "No, thank you.")])
        _until(lambda: len(ids) == 2)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert "connection broke off" in caplog.text or "refused the connection" in caplog.text
    assert caplog.text.count("connected (waiting with IDLE)") >= 2
    assert dovecot.password not in caplog.text
    assert len(dovecot.uids()) == 1 and len(dovecot.uids(PROCESSED)) == 2


def test_polling_without_idle_and_a_recreated_folder(offered: Offered, dovecot: Dovecot) -> None:
    """A server without IDLE is polled; a folder deleted and created again has a new
    UIDVALIDITY, and its UIDs start over: what was known by UID is forgotten."""
    dovecot.append([_foreign(1)], folder="Sales")
    ids: list[int] = []
    fetcher = Fetcher(offered.rt, Mailbox.from_url(dovecot.url("Sales")), on_stored=ids.append)
    session = fetcher.connect()
    try:
        session.can_idle = False  # as on a server without the capability: the poll
        assert fetcher.round(session).left == 1
        first = fetcher.uidvalidity
        stop = threading.Event()
        fetcher._wait(session, stop)  # one poll interval, then NOOP
        dovecot.recreate("Sales")
        dovecot.append([offered.reply_from(0, "We'll take it!")], folder="Sales")
        assert dovecot.uids("Sales") == [1]  # the UID of the foreign message before
        assert fetcher.round(session).stored == 1
        assert fetcher.uidvalidity != first and len(ids) == 1
    finally:
        session.close()


def test_flag_mode_leaves_replies_in_place_and_delete_mode_removes_them(
    offered: Offered, dovecot: Dovecot
) -> None:
    dovecot.append([offered.reply_from(0, "We'll take it!"), _foreign(1)])
    box = Mailbox.from_url(dovecot.url())
    rt = offered.rt
    rt.settings = rt.settings.with_(inbound_mailbox_mark="flag")
    ids: list[int] = []
    assert Fetcher(rt, box, on_stored=ids.append).once().stored == 1
    assert Fetcher(rt, box, on_stored=ids.append).once().stored == 0  # flagged: taken
    assert len(dovecot.uids()) == 2 and PROCESSED.replace("/", ".") not in dovecot.folders()
    assert sum(b"$MailflowTaken" in h for h in dovecot.flags()) == 1

    dovecot.append([offered.reply_from(1, "No, thank you."), _foreign(2)], folder="Other")
    rt.settings = rt.settings.with_(inbound_mailbox_mark="delete")
    other = Mailbox.from_url(dovecot.url("Other"))
    assert Fetcher(rt, other, on_stored=ids.append).once().stored == 1
    assert len(dovecot.uids("Other")) == 1 and len(ids) == 2  # the foreign mail stays


def test_tls_off_only_when_the_url_says_so(offered: Offered, dovecot: Dovecot) -> None:
    dovecot.append([offered.reply_from(0, "We'll take it!")])
    plain = Mailbox.from_url(dovecot.url(scheme="imap", query="tls=off"))
    assert Fetcher(offered.rt, plain, on_stored=lambda _: None).once().stored == 1
    login = dovecot.log().split("Login: user=<sales>")[-1].split("\n")[0]
    assert "method=PLAIN" in login and "TLS" not in login


def test_a_thousand_messages(offered: Offered, dovecot: Dovecot) -> None:
    replies = [offered.reply_from(i % 3, f"Reply number {i}") for i in range(1000)]
    foreign = [_foreign(i) for i in range(40)]
    dovecot.append([*replies[:500], *foreign, *replies[500:]])
    ids: list[int] = []
    done = Fetcher(offered.rt, Mailbox.from_url(dovecot.url()), on_stored=ids.append).once()
    assert (done.stored, done.left) == (1000, 40)
    assert len(ids) == 1000 and len(set(ids)) == 1000
    assert len(dovecot.uids(PROCESSED)) == 1000 and len(dovecot.uids()) == 40
    assert {r.raw for r in _stored(offered.rt)} == {_crlf(r) for r in replies}


def test_a_wrong_password_and_an_untrusted_certificate_are_told_plainly(
    offered: Offered, dovecot: Dovecot, tmp_path: Path
) -> None:
    wrong = dovecot.url().replace(dovecot.password, "not-the-password")
    env = {**_env(offered, tmp_path), "MAILFLOW_INBOUND_MAILBOX_URL": wrong}
    env["MAILFLOW_INBOUND_MAILBOX_CA_CERTS"] = str(dovecot.ca_file)
    done = _cli(["inbound", "fetch", "--once"], env)
    assert done.returncode == 75
    assert b"the server refused the login of sales" in done.stderr
    assert b"not-the-password" not in done.stderr

    env = {**_env(offered, tmp_path), "MAILFLOW_INBOUND_MAILBOX_URL": dovecot.url()}
    done = _cli(["inbound", "fetch", "--once"], env)
    assert done.returncode == 75
    assert b"TLS certificate is not trusted" in done.stderr
    assert len(dovecot.uids()) == 0 and _stored(offered.rt) == []


class _Introspection(BaseHTTPRequestHandler):
    """The identity provider's token introspection endpoint (RFC 7662) Dovecot asks."""

    active: ClassVar[set[str]] = set()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        token = parse_qs(body).get("token", [""])[0]
        answer = {"active": "true", "username": "sales"} if token in self.active else {}
        data = json.dumps(answer or {"active": "false"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet


def test_xoauth2_with_the_token_read_from_its_file_at_each_login(
    offered: Offered, tmp_path: Path
) -> None:
    require(available(), "Dovecot (Debian package dovecot-imapd)")
    provider = ThreadingHTTPServer(("127.0.0.1", 0), _Introspection)
    threading.Thread(target=provider.serve_forever, daemon=True).start()
    (tmp_path / "oauth").mkdir()
    url = f"http://127.0.0.1:{provider.server_address[1]}/introspect"
    token_file = tmp_path / "imap_token"
    try:
        with Dovecot(tmp_path / "oauth", introspection_url=url) as server:
            server.append([offered.reply_from(0, "We'll take it!")])
            query = f"auth=xoauth2&token_file={token_file}"
            box = Mailbox.from_url(server.url(query=query).replace(f":{server.password}@", "@"))
            rt = offered.rt
            rt.settings = rt.settings.with_(inbound_mailbox_ca_certs=str(server.ca_file))
            _Introspection.active = {"token-one"}
            token_file.write_text("token-one\n")
            assert Fetcher(rt, box, on_stored=lambda _: None).once().stored == 1

            _Introspection.active = {"token-two"}  # the first expired; the file is stale
            server.append([offered.reply_from(1, "No, thank you.")])
            with pytest.raises(MailboxError, match="refused the login of sales"):
                Fetcher(rt, box, on_stored=lambda _: None).once()
            token_file.write_text("token-two\n")  # the refresher wrote the new one
            assert Fetcher(rt, box, on_stored=lambda _: None).once().stored == 1
            assert "method=XOAUTH2" in server.log()
    finally:
        provider.shutdown()
        provider.server_close()
