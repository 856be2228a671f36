"""``mailflow report due`` lists who is due; ``mailflow report send`` sends one now, once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailflow.cli import main
from mailflow.clock import Clock
from mailflow.mail.capture import MailCapture
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
