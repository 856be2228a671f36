"""Hostile and broken messages get a clear outcome and lose nothing; the parser never raises."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from mailflow.actions.inbound.store import store_raw
from mailflow.inbound.parse import parse_message
from mailflow.inbound.process import process
from mailflow.models import Event, InboundEmail
from tests.inbound.conftest import Offered


def _message(offered: Offered, headers: str, body: bytes) -> bytes:
    to = offered.reply_to(0)
    return (
        f"From: {offered.contacts[0].email}\r\nTo: {to}\r\nSubject: Re: lead\r\n".encode()
        + headers.encode()
        + b"\r\n"
        + body
    )


CASES = {
    "nul_bytes": ("Content-Type: text/plain\r\n", b"pick\x00\x00 it\r\n"),
    "unknown_charset": ("Content-Type: text/plain; charset=x-klingon\r\n", b"pick\r\n"),
    "broken_utf8": ("Content-Type: text/plain; charset=utf-8\r\n", b"pick \xff\xfe\xc3\r\n"),
    "bad_base64": (
        "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n",
        b"cGlj!!!***\r\n",
    ),
    "multipart_without_boundary": ("Content-Type: multipart/alternative\r\n", b"pick\r\n"),
    "long_line": ("Content-Type: text/plain\r\n", b"pick " + b"x" * 5000 + b"\r\n"),
    "huge_header_block": ("X-Junk: " + "a" * 100_000 + "\r\n", b"pick\r\n"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_broken_message_is_processed_to_a_clear_state(offered: Offered, case: str) -> None:
    headers, body = CASES[case]
    state = offered.deliver(_message(offered, headers, body))
    assert state in ("applied", "review", "refused")


def test_a_message_nested_a_hundred_levels_deep(offered: Offered) -> None:
    head, tail = "", ""
    for level in range(100):
        head += f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n'
        tail = f"\r\n--b{level}--\r\n" + tail
    raw = _message(
        offered,
        "MIME-Version: 1.0\r\n",
        (head + "Content-Type: text/plain\r\n\r\npick" + tail).encode(),
    )
    started = time.monotonic()
    assert offered.deliver(raw) in ("applied", "review")
    assert time.monotonic() - started < 30


def test_a_message_with_a_thousand_parts(offered: Offered) -> None:
    parts = "".join(
        f"--B\r\nContent-Type: text/plain\r\n\r\n{'pick' if i == 0 else 'x'}\r\n"
        for i in range(1000)
    )
    raw = _message(
        offered,
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n',
        (parts + "--B--\r\n").encode(),
    )
    assert offered.deliver(raw) == "applied"


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_parsing_arbitrary_bytes_never_raises(data: bytes) -> None:
    parsed = parse_message(data)
    assert parsed.kind in ("reply", "auto_reply", "bounce", "other")


@settings(max_examples=100, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000), st.sampled_from(["text/plain", "text/html"]))
def test_parsing_arbitrary_text_bodies_never_raises(body: str, ctype: str) -> None:
    raw = (
        f"From: a@b.example\r\nTo: reply+1.2.3.abc@r.example\r\nSubject: Re: x\r\n"
        f"Content-Type: {ctype}; charset=utf-8\r\n\r\n"
    ).encode() + body.encode("utf-8", "surrogatepass")
    parsed = parse_message(raw)
    assert isinstance(parsed.reply_text, str)


def test_nul_bytes_decoded_from_the_mail_never_reach_the_database(offered: Offered) -> None:
    """Quoted-printable, base64 and encoded words all decode to NUL; PostgreSQL refuses it in
    text, so the note, the outcome and the stored envelope come without it."""
    body = (
        "We are still checking our installers' calendars for March and will come back=00 "
        "to you next week once the team has met.=0D=0A"
    )
    raw = _message(
        offered,
        "Message-ID: <nul@partner.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n",
        body.encode(),
    ).replace(b"Subject: Re: lead", b"Subject: =?utf-8?q?Re:_lead_=00here?=")
    inbound_id = store_raw(
        offered.rt, raw, channel="smtp", mail_from="pa\x00rtner@x.example", rcpt_to=[]
    )
    outcome = process(offered.rt, inbound_id)
    assert outcome is not None and outcome.state == "review"
    with offered.rt.db.read() as s:
        note = s.exec(select(Event).where(Event.kind == "lead.note")).one()
        stored = s.get(InboundEmail, inbound_id)
    assert stored is not None
    assert "come back to you" in note.data["text"] and "\x00" not in note.data["text"]
    assert "\x00" not in json.dumps(stored.outcome) and "\\u0000" not in json.dumps(stored.outcome)
    assert stored.outcome["subject"] == "Re: lead here"
    assert stored.mail_from == "partner@x.example"
