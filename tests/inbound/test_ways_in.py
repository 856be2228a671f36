"""The other ways in — the provider webhook and the MTA pipe — and `inbound parse`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlmodel import select

from mailflow.models import InboundEmail
from tests.conftest import TEST_KEYS
from tests.inbound.conftest import Offered
from tests.mail import reply

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "replies"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eml"


def test_the_webhook_needs_the_shared_secret_and_stores_the_message(
    client: Any, offered: Offered
) -> None:
    raw = reply("pick", to=offered.reply_to(0), sender=offered.contacts[0].email)
    assert client.post("/inbound/webhook", data=raw).status_code == 404  # not enabled
    offered.rt.settings = offered.rt.settings.with_(inbound_webhook_secret="s3cret-s3cret")
    assert (
        client.post(
            "/inbound/webhook", data=raw, headers={"Authorization": "Bearer nope"}
        ).status_code
        == 401
    )
    answer = client.post(
        "/inbound/webhook",
        data=raw,
        headers={"Authorization": "Bearer s3cret-s3cret"},
        content_type="message/rfc822",
    )
    assert answer.status_code == 202
    with offered.rt.db.read() as s:
        row = s.get(InboundEmail, answer.get_json()["id"])
    assert row is not None and row.raw == raw and row.channel == "webhook"


def _cli(
    args: list[str], env: dict[str, str], stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "mailflow.cli", *args],
        input=stdin,
        env=full,
        capture_output=True,
        timeout=120,
    )


def _env(offered: Offered, tmp_path: Path, database_url: str | None = None) -> dict[str, str]:
    return {
        "MAILFLOW_DATA_DIR": str(tmp_path),
        "MAILFLOW_SECRET_KEYS": TEST_KEYS,
        "MAILFLOW_DATABASE_URL": database_url or offered.rt.settings.database_url,
        "MAILFLOW_INBOUND_DOMAIN": offered.rt.settings.inbound_domain,
        "MAILFLOW_SMTP_URL": offered.rt.smtp_url,
    }


def test_inbound_deliver_stores_and_processes_a_piped_message(
    offered: Offered, tmp_path: Path
) -> None:
    raw = reply("pick", to=offered.reply_to(2), sender=offered.contacts[2].email)
    done = _cli(["inbound", "deliver", "-"], _env(offered, tmp_path), raw)
    assert done.returncode == 0, done.stderr
    assert offered.lead_state() == "picked"


def test_inbound_deliver_exits_75_when_it_cannot_store(offered: Offered, tmp_path: Path) -> None:
    raw = reply("pick", to=offered.reply_to(2), sender=offered.contacts[2].email)
    done = _cli(
        ["inbound", "deliver", "-"],
        _env(offered, tmp_path, "postgresql://postgres@127.0.0.1:1/x"),
        raw,
    )
    assert done.returncode == 75
    assert b"retry later" in done.stderr


def test_inbound_parse_prints_one_json_line_per_file_and_changes_nothing(
    offered: Offered, tmp_path: Path
) -> None:
    files = (
        sorted(FIXTURES.glob("*.eml"))[:5]
        + sorted((CORPUS / "trimmer" / "emails").glob("*.txt"))[:5]
    )
    mail = tmp_path / "reply.eml"
    mail.write_bytes(
        reply("won 12.500,00 EUR", to=offered.reply_to(0), sender=offered.contacts[0].email)
    )
    done = _cli(["inbound", "parse", str(mail), *map(str, files)], _env(offered, tmp_path))
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(lines) == len(files) + 1
    for item in lines:
        assert set(item) == {"kind", "reply_text", "command", "bounced_recipient", "reply_key"}
        assert item["kind"] in ("reply", "auto_reply", "bounce", "other")
    command = lines[0]["command"]
    assert 0.7 <= command.pop("confidence") <= 1
    assert command == {
        "action": "feedback",
        "stage": "won",
        "amount": 12500.0,
        "currency": "EUR",
        "reason": None,
        "language": "en",
        "because": "won",
        "note": None,
    }
    assert lines[0]["reply_key"] == offered.reply_to(0).split("+")[1].split("@")[0]
    with offered.rt.db.read() as s:
        assert s.exec(select(InboundEmail)).all() == []
    assert offered.lead_state() == "offered"
