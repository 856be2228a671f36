"""SIGTERM to ``mailflow inbound serve``: it stops listening, hangs up on idle sessions with
421, lets a transaction in flight finish (stored, 250) and then exits; a transaction that
outlasts ``MAILFLOW_INBOUND_DRAIN_SECONDS`` is cut without a 250, so its sender retries."""

from __future__ import annotations

import signal
import smtplib
import socket
import subprocess
import sys
from pathlib import Path

from sqlmodel import col, select

from mailflow.models import InboundEmail
from mailflow.runtime import Runtime
from tests.inbound.conftest import Offered
from tests.mail import reply
from tests.reliability._faults import ROOT, child_env, free_port, kill, wait_for


def _serve(tmp: Path, rt: Runtime, port: int, **settings: str) -> subprocess.Popen[bytes]:
    env = child_env(tmp, rt.settings.database_url, smtp_url=rt.smtp_url, **settings)
    with (tmp / "serve.log").open("wb") as out:  # a file: a pipe nobody reads could block it
        proc = subprocess.Popen(
            [sys.executable, "-m", "mailflow.cli", "inbound", "serve", "--port", str(port)],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    wait_for(lambda: _listening(port) or proc.poll() is not None, 30, "inbound serve")
    assert proc.poll() is None, (tmp / "serve.log").read_text()
    return proc


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


def _hung_up(smtp: smtplib.SMTP) -> bool:
    try:
        return smtp.noop()[0] == 421
    except smtplib.SMTPServerDisconnected:
        return True


def _stored(rt: Runtime) -> list[bytes]:
    with rt.db.read() as s:
        rows = s.exec(select(InboundEmail).order_by(col(InboundEmail.id))).all()
    return [(row.raw or b"").rstrip(b"\r\n") for row in rows]


def test_sigterm_lets_a_transaction_in_flight_finish_with_250_and_its_message_stored(
    offered: Offered, tmp_path: Path
) -> None:
    port = free_port()
    proc = _serve(tmp_path, offered.rt, port)
    sender, to = offered.contacts[1].email, offered.reply_to(1)
    raw = reply("We'll take it!", to=to, sender=sender)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as idle:
            idle.ehlo()
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
                smtp.ehlo()
                assert smtp.mail(sender)[0] == 250
                assert smtp.rcpt(to)[0] == 250
                proc.send_signal(signal.SIGTERM)
                wait_for(lambda: not _listening(port), 30, "the server to stop listening")
                assert smtp.data(raw)[0] == 250
            assert _hung_up(idle)
        assert proc.wait(30) == 0
    finally:
        kill(proc)
    assert _stored(offered.rt) == [raw.rstrip(b"\r\n")]


def test_a_transaction_longer_than_the_drain_time_is_cut_without_250(
    offered: Offered, tmp_path: Path
) -> None:
    port = free_port()
    proc = _serve(tmp_path, offered.rt, port, inbound_drain_seconds="1")
    sender, to = offered.contacts[1].email, offered.reply_to(1)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.ehlo()
            smtp.mail(sender)
            smtp.rcpt(to)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(30) == 0  # it did not wait for a DATA that never came
            try:
                code = smtp.data(reply("Too late", to=to, sender=sender))[0]
            except smtplib.SMTPServerDisconnected:
                code = 0
            assert code != 250
    finally:
        kill(proc)
    assert _stored(offered.rt) == []
    assert "1 transaction(s) cut at shutdown" in (tmp_path / "serve.log").read_text()


def test_ctrl_c_twice_during_the_drain_still_ends_cleanly(offered: Offered, tmp_path: Path) -> None:
    """Ctrl-C starts the same drain as SIGTERM; a second one while it runs is ignored (the drain
    has its own limit) instead of ending the process with a traceback mid-store."""
    port = free_port()
    proc = _serve(tmp_path, offered.rt, port)
    sender, to = offered.contacts[1].email, offered.reply_to(1)
    raw = reply("Wir nehmen ihn.", to=to, sender=sender)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.ehlo()
            smtp.mail(sender)
            smtp.rcpt(to)
            proc.send_signal(signal.SIGINT)
            wait_for(lambda: not _listening(port), 30, "the server to stop listening")
            proc.send_signal(signal.SIGINT)
            assert smtp.data(raw)[0] == 250
        assert proc.wait(30) == 0
    finally:
        kill(proc)
    assert "Traceback" not in (tmp_path / "serve.log").read_text()
    assert _stored(offered.rt) == [raw.rstrip(b"\r\n")]
