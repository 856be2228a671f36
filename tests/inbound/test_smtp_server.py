"""The inbound SMTP server: readable refusals at RCPT, stored before 250, 451 when it
cannot store, and a real `mailflow inbound serve` process changing a lead's state."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from mailflow.inbound.receive.server import make_server
from mailflow.models import InboundEmail
from mailflow.runtime import Runtime
from tests.conftest import TEST_KEYS, make_settings
from tests.inbound.conftest import Offered
from tests.mail import reply


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(rt: Runtime) -> Iterator[int]:
    port = _free_port()
    controller = make_server(rt, "127.0.0.1", port)
    controller.start()
    yield port
    controller.stop()


def _stored(rt: Runtime) -> list[InboundEmail]:
    """What was committed."""
    with rt.db.read() as s:
        return list(s.exec(select(InboundEmail)))


def test_it_refuses_an_unknown_reply_address_at_rcpt(rt: Runtime, server: int) -> None:
    with smtplib.SMTP("127.0.0.1", server) as smtp:
        for address in (
            "someone@reply.mailflow.test",
            "reply+1.2.3.forged@reply.mailflow.test",
            "reply+abc@elsewhere.example",
        ):
            smtp.ehlo()
            smtp.mail("a@b.example")
            code, message = smtp.rcpt(address)
            assert code == 550 and b"No such reply address" in message
            smtp.rset()
    assert _stored(rt) == []


def test_it_stores_before_answering_250(offered: Offered, server: int) -> None:
    raw = reply("pick", to=offered.reply_to(0), sender=offered.contacts[0].email)
    with smtplib.SMTP("127.0.0.1", server) as smtp:
        refused = smtp.sendmail(offered.contacts[0].email, [offered.reply_to(0)], raw)
    assert refused == {}
    stored = _stored(offered.rt)
    assert len(stored) == 1 and stored[0].state == "received"
    assert (stored[0].raw or b"").rstrip(b"\r\n") == raw.rstrip(b"\r\n")


def test_an_oversize_message_gets_552(rt: Runtime, offered: Offered) -> None:
    rt.settings = rt.settings.with_(inbound_max_bytes=2048)
    port = _free_port()
    controller = make_server(rt, "127.0.0.1", port)
    controller.start()
    try:
        big = reply(("x" * 70 + "\n") * 100, to=offered.reply_to(0), sender="a@b.example")
        with (
            smtplib.SMTP("127.0.0.1", port) as smtp,
            pytest.raises(smtplib.SMTPSenderRefused) as exc,
        ):
            smtp.sendmail(
                "a@b.example", [offered.reply_to(0)], big
            )  # declares SIZE: refused at MAIL
        assert exc.value.smtp_code == 552
        with smtplib.SMTP("127.0.0.1", port) as smtp:  # declares nothing: refused after DATA
            smtp.helo()
            smtp.mail("a@b.example")
            smtp.rcpt(offered.reply_to(0))
            code, _ = smtp.data(big)
        assert code == 552
    finally:
        controller.stop()
    assert _stored(rt) == []


def _answers_451(unable: Runtime, offered: Offered) -> None:
    """A server that cannot store answers a readable 451 at the end of DATA."""
    port = _free_port()
    controller = make_server(unable, "127.0.0.1", port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.ehlo()
            smtp.mail("a@b.example")
            code, _ = smtp.rcpt(offered.reply_to(0))  # the key is checked without the database
            assert code == 250
            code, message = smtp.data(reply("pick", to=offered.reply_to(0), sender="a@b.example"))
        assert code == 451 and message.startswith(b"4.3.0")
        assert b"Error" not in message and b"Traceback" not in message
    finally:
        controller.stop()
        unable.close()


def test_it_answers_451_when_the_database_is_down(tmp_path: Path, offered: Offered) -> None:
    down = Runtime(make_settings(tmp_path, "postgresql://postgres@127.0.0.1:1/test"))
    _answers_451(down, offered)


def test_on_sqlite_it_answers_451_when_the_database_cannot_be_written(
    tmp_path: Path, offered: Offered, _sqlite_template: Path
) -> None:
    database = tmp_path / "broken" / "mailflow.sqlite3"
    database.parent.mkdir()
    database.write_bytes(_sqlite_template.read_bytes())
    (tmp_path / "broken" / "mailflow.sqlite3-wal").mkdir()  # not a file SQLite can open
    _answers_451(Runtime(make_settings(tmp_path, f"sqlite:///{database}")), offered)


def test_a_connection_reset_mid_data_stores_nothing_and_the_server_keeps_going(
    offered: Offered, server: int
) -> None:
    sock = socket.create_connection(("127.0.0.1", server))
    sock.recv(1024)
    for line in (
        b"EHLO x\r\n",
        b"MAIL FROM:<a@b.example>\r\n",
        f"RCPT TO:<{offered.reply_to(0)}>\r\n".encode(),
        b"DATA\r\n",
    ):
        sock.sendall(line)
        time.sleep(0.05)
        sock.recv(4096)
    sock.sendall(b"Subject: half a message\r\n\r\nwe pi")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()  # RST
    time.sleep(0.2)
    with smtplib.SMTP("127.0.0.1", server) as smtp:
        assert smtp.noop()[0] == 250
    assert _stored(offered.rt) == []


def test_smtplib_to_mailflow_inbound_serve_changes_the_leads_state(
    offered: Offered, tmp_path: Path
) -> None:
    rt = offered.rt
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env.update(
        {
            "MAILFLOW_DATA_DIR": str(tmp_path),
            "MAILFLOW_DATABASE_URL": rt.settings.database_url,
            "MAILFLOW_SECRET_KEYS": TEST_KEYS,
            "MAILFLOW_INBOUND_DOMAIN": rt.settings.inbound_domain,
            "MAILFLOW_SMTP_URL": rt.smtp_url,
            "PYTHONFAULTHANDLER": "1",
        }
    )
    # the server's output goes to a file: a pipe nobody reads fills up (64 KiB of logs)
    # and blocks the process's next log line, and with it its shutdown
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mailflow.cli", "inbound", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                smtp = smtplib.SMTP("127.0.0.1", port, timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, log.read_text()
                time.sleep(0.2)
        with smtp:
            smtp.sendmail(
                offered.contacts[1].email,
                [offered.reply_to(1)],
                reply("We'll take it!", to=offered.reply_to(1), sender=offered.contacts[1].email),
            )
        deadline = time.monotonic() + 30
        while offered.lead_state() != "picked":
            assert time.monotonic() < deadline, "the lead was not picked"
            time.sleep(0.2)
        assert offered.world.reload(offered.lead).owner_id == offered.offers[1].organization_id
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)  # faulthandler writes every thread's stack
            proc.wait(timeout=30)
            pytest.fail(f"inbound serve did not stop on SIGTERM:\n{log.read_text()}")
