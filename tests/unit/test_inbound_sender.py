"""The evidence read from a raw message: the strict From mailbox, the MTA's
Authentication-Results verdict, and what a bounce returns."""

from __future__ import annotations

import pytest

from mailflow.inbound.parse import authresults
from mailflow.inbound.parse.sender import mailbox, read_evidence

MTA = "mx.nordwind.test"


@pytest.mark.parametrize(
    "value",
    [
        "bob@dealer.example",
        "Bob <BOB@dealer.example>",
        "J. Smith <bob@dealer.example>",  # obsolete, unambiguous: a period in the name
        '"victim@partner.example" <bob@dealer.example>',  # quoted: the address is bob's
        "=?utf-8?q?B=C3=B6b?= <bob@dealer.example>",
    ],
)
def test_one_clean_mailbox_is_read(value: str) -> None:
    assert mailbox([("From", value)], "From").address == "bob@dealer.example"


@pytest.mark.parametrize(
    "value",
    [
        "victim@partner.example <attacker@evil.example>",
        "victim@partner.example, attacker@evil.example",
        "<victim@partner.example",
        "victim@partner.example (x) <attacker@evil.example>",
        "group: victim@partner.example;",
        "undisclosed-recipients:;",
        "not an address",
        "victim@localhost",
        "",
    ],
)
def test_what_the_parser_had_to_repair_is_refused(value: str) -> None:
    box = mailbox([("From", value)], "From")
    assert box.address is None and box.problem


def test_two_from_headers_are_refused() -> None:
    box = mailbox([("From", "a@dealer.example"), ("from", "a@dealer.example")], "From")
    assert box.address is None and box.problem == "2 From headers"


@pytest.mark.parametrize(
    "value",
    [
        f"{MTA}; dmarc=pass header.from=dealer.example",
        f"{MTA} 1; dkim = pass (2048-bit key) header.d=dealer.example; dmarc=none",
        f'{MTA}; dkim=pass reason="good; signature" header.i=@mail.dealer.example',
        f"{MTA.upper()}; spf=pass smtp.mailfrom=bounce@dealer.example",
        f"{MTA}; (a (nested) comment) dkim=pass header.d=dealer.example",
    ],
)
def test_a_pass_for_the_from_domain(value: str) -> None:
    verdict = authresults.verdict([("Authentication-Results", value)], (MTA,), "dealer.example")
    assert verdict.checked and verdict.passed, verdict


@pytest.mark.parametrize(
    "value",
    [
        f"{MTA}; dmarc=fail header.from=dealer.example; dkim=pass header.d=dealer.example",
        f"{MTA}; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=x@evil.example",
        f"{MTA}; dkim=pass header.d=example",  # a bare top-level domain aligns with nothing
        f"{MTA}; spf=softfail smtp.mailfrom=dealer.example",
        f"{MTA}; none",
        f"{MTA} (dmarc=pass header.from=dealer.example); dkim=fail",  # a comment is no result
        f'{MTA}; dkim=fail reason="dmarc=pass header.from=dealer.example"',
        "evil.example; dmarc=pass header.from=dealer.example",
        f"{MTA}.evil.example; dmarc=pass header.from=dealer.example",
    ],
)
def test_no_pass_for_the_from_domain(value: str) -> None:
    verdict = authresults.verdict([("Authentication-Results", value)], (MTA,), "dealer.example")
    assert verdict.checked and not verdict.passed, verdict


def test_only_the_topmost_run_of_our_headers_counts() -> None:
    ours_fail = ("Authentication-Results", f"{MTA}; dmarc=fail header.from=dealer.example")
    ours_pass = ("Authentication-Results", f"{MTA}; dmarc=pass header.from=dealer.example")
    received = ("Received", f"from dealer.example by {MTA}")
    foreign = ("Authentication-Results", "evil.example; dmarc=pass")
    verdict = authresults.verdict(
        [foreign, ours_fail, received, ours_pass], (MTA,), "dealer.example"
    )
    assert not verdict.passed
    verdict = authresults.verdict([received, ours_pass, foreign], (MTA,), "dealer.example")
    assert verdict.passed  # a hop above our MTA's header does not hide it


def test_without_an_authserv_id_nothing_is_checked() -> None:
    verdict = authresults.verdict([], (), "dealer.example")
    assert not verdict.checked and verdict.passed


def test_a_long_hostile_header_is_read_in_bounded_time() -> None:
    value = f"{MTA}; " + "(" * 100_000 + "dkim=pass"
    verdict = authresults.verdict([("Authentication-Results", value)], (MTA,), "dealer.example")
    assert not verdict.passed


def test_a_bounce_returns_its_message_ids_and_failed_recipients() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.dealer.example\r\nTo: postmaster@reply.example\r\n"
        b"Subject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nsorry\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.dealer.example\r\n\r\n"
        b"Final-Recipient: rfc822; <Bob@Dealer.example>\r\n"
        b"Original-Recipient: rfc822;sales@dealer.example\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n\r\n"
        b"Final-Recipient: rfc822; ok@dealer.example\r\nAction: delivered\r\nStatus: 2.0.0\r\n\r\n"
        b"--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        b"From: leads@nordwind.test\r\nMessage-ID:\r\n <offer.0123abcd@reply.example>\r\n\r\n"
        b"--B--\r\n"
    )
    evidence = read_evidence(raw, (), bounce=True)
    assert evidence.returned_ids == ("offer.0123abcd@reply.example",)
    assert evidence.failed == {"bob@dealer.example", "sales@dealer.example"}
