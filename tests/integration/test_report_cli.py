"""``mailflow report due`` lists who is due; ``mailflow report send`` sends one now, once."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from mailflow.cli import main
from mailflow.clock import Clock
from mailflow.mail.capture import MailCapture
from mailflow.models import OutboundEmail
from mailflow.runtime import Runtime
from tests.conftest import TEST_KEYS
from tests.hierarchy import build


def test_it_sends_a_contacts_report_from_the_command_line(
    rt: Runtime,
    clock: Clock,
    smtp: MailCapture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock.set(datetime(2026, 11, 30, 6, 30, tzinfo=UTC))
    h = build(rt)
    env = {
        "MAILFLOW_DATA_DIR": str(tmp_path),
        "MAILFLOW_DATABASE_URL": rt.settings.database_url,
        "MAILFLOW_SECRET_KEYS": TEST_KEYS,
        "MAILFLOW_SMTP_URL": smtp.url,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["report", "due"]) == 0  # the wall clock: whoever is due right now
    capsys.readouterr()
    assert main(["report", "send", h.email("a2"), "--week", "2026-W47"]) == 0
    assert "report 2026-W47 sent" in capsys.readouterr().out
    assert [m.to[0] for m in smtp.messages()] == [h.email("a2")]
    assert main(["report", "send", h.email("a2"), "--week", "2026-W47"]) == 1  # once a week
    assert main(["report", "send", h.email("bsales"), "--week", "2026-W47"]) == 1  # no role
    assert main(["report", "send", "nobody@x.example"]) == 1


def _env(monkeypatch: pytest.MonkeyPatch, rt: Runtime, tmp_path: Path, smtp_url: str) -> None:
    env = {
        "MAILFLOW_DATA_DIR": str(tmp_path),
        "MAILFLOW_DATABASE_URL": rt.settings.database_url,
        "MAILFLOW_SECRET_KEYS": TEST_KEYS,
        "MAILFLOW_SMTP_URL": smtp_url,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when this returns


def test_it_says_queued_not_sent_when_the_relay_refuses(
    rt: Runtime,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    h = build(rt)
    _env(monkeypatch, rt, tmp_path, f"smtp://127.0.0.1:{_closed_port()}")
    assert main(["report", "send", h.email("a2"), "--week", "2026-W47"]) == 3
    out = capsys.readouterr()
    assert "sent to" not in out.out
    assert "queued but NOT sent" in out.err
    with rt.db.read() as s:
        states = [e.state for e in s.exec(select(OutboundEmail)).all()]
    assert states == ["queued"]  # the outbox sends it when the relay is back
    # the week is claimed: a second run says so instead of queueing a second report
    assert main(["report", "send", h.email("a2"), "--week", "2026-W47"]) == 1
    assert "got the report 2026-W47 already" in capsys.readouterr().err


def test_it_says_why_a_report_is_not_sent_and_when_nobody_is_due(
    rt: Runtime,
    clock: Clock,
    smtp: MailCapture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _env(monkeypatch, rt, tmp_path, smtp.url)
    assert main(["report", "due"]) == 0  # an empty database: nobody
    assert "nobody is due a weekly report now" in capsys.readouterr().out
    h = build(rt)
    assert main(["report", "send", h.email("bsales"), "--week", "2026-W47"]) == 1
    assert "has no reporting role" in capsys.readouterr().err
    assert main(["report", "send", h.email("a2"), "--week", "week 47"]) == 2
    assert "not an ISO week" in capsys.readouterr().err
    assert main(["report", "send", "nobody@x.example"]) == 1
    assert "no contact with email nobody@x.example" in capsys.readouterr().err
    assert smtp.messages() == []
