# ruff: noqa: F811  (the imported "offered" fixture is every test's argument)
"""Forged bounces: a bounce acts only when it proves it concerns an email we sent to the
address it names — a valid VERP key or one of our Message-IDs, and the bounced recipient
is that email's recipient. Anything else is stored, recorded as an ignored bounce with
its reason, and changes no contact. End to end: store → process, as the SMTP server and
the job do."""

from __future__ import annotations

from email.utils import make_msgid

import pytest
from sqlmodel import select

from mailflow.models import Contact, Event, InboundEmail, OutboundEmail
from tests.inbound.conftest import Offered, offered  # noqa: F401  (the fixture)


def _email_to(offered: Offered, i: int) -> OutboundEmail:
    with offered.rt.db.read() as s:
        email = s.exec(
            select(OutboundEmail).where(OutboundEmail.to_addr == offered.contacts[i].email)
        ).first()
    assert email is not None and email.id is not None
    return email


def _verp(offered: Offered, email: OutboundEmail) -> str:
    key = offered.rt.signer.bounce_key(email.id)  # type: ignore[arg-type]
    return f"bounce+{key}@{offered.rt.settings.inbound_domain}"


def _postmaster(offered: Offered) -> str:
    return f"postmaster@{offered.rt.settings.inbound_domain}"


def _dsn(
    to: str,
    final: str,
    *,
    status: str = "5.1.1",
    original: str | None = None,
    returned_id: str | None = None,
    returned_as: str = "message/rfc822",
    in_reply_to: str | None = None,
) -> bytes:
    """An RFC 3464 report; ``returned_id``: the Message-ID of the returned message (or its
    headers, ``returned_as="text/rfc822-headers"``)."""
    head = (
        f"From: MAILER-DAEMON@mx.dealer.example\r\nTo: {to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {make_msgid(domain='mx.dealer.example')}\r\nMIME-Version: 1.0\r\n"
    )
    if in_reply_to:
        head += f"In-Reply-To: <{in_reply_to}>\r\n"
    fields = f"Final-Recipient: rfc822; {final}\r\n"
    if original:
        fields += f"Original-Recipient: rfc822; {original}\r\n"
    body = (
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\n"
        "The mail system could not deliver your message.\r\n\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.dealer.example\r\n\r\n"
        f"{fields}Action: failed\r\nStatus: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
    )
    if returned_id:
        body += (
            f"--B\r\nContent-Type: {returned_as}\r\n\r\n"
            "From: Nordwind Leads <leads@nordwind.test>\r\n"
            f"To: {final}\r\nSubject: New warm lead\r\nMessage-ID: <{returned_id}>\r\n"
        )
        body += "\r\nthe lead\r\n" if returned_as == "message/rfc822" else "\r\n"
    return (head + body + "--B--\r\n").encode()


def _plain_ndr(to: str, victim: str) -> bytes:
    return (
        f"From: MAILER-DAEMON@mx.evil.example\r\nTo: {to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {make_msgid(domain='mx.evil.example')}\r\n\r\n"
        "This is the mail system at host mx.evil.example.\r\n\r\n"
        f"<{victim}>: host mx.dealer.example said: 550 5.1.1 User unknown\r\n"
    ).encode()


def _contact(offered: Offered, i: int) -> Contact:
    with offered.rt.db.read() as s:
        contact = s.get(Contact, offered.contacts[i].id)
    assert contact is not None
    return contact


def _untouched(offered: Offered, *indexes: int) -> None:
    for i in indexes:
        contact = _contact(offered, i)
        assert not contact.undeliverable and contact.soft_bounces == 0
    assert offered.offer_states() == ["open"] * len(offered.offers)


def _ignored(offered: Offered) -> list[Event]:
    with offered.rt.db.read() as s:
        return list(s.exec(select(Event).where(Event.kind == "inbound.bounce_ignored")))


def _last_inbound(offered: Offered) -> InboundEmail:
    with offered.rt.db.read() as s:
        rows = list(s.exec(select(InboundEmail)))
    return max(rows, key=lambda r: r.id or 0)


@pytest.mark.parametrize("where", ["postmaster", "reply address", "unkeyed bounce address"])
def test_a_forged_bounce_naming_a_partners_address_without_a_key_changes_nothing(
    offered: Offered, where: str
) -> None:
    victim = offered.contacts[0].email
    to = {
        "postmaster": _postmaster(offered),
        "reply address": offered.reply_to(0),
        "unkeyed bounce address": f"bounces@{offered.rt.settings.inbound_domain}",
    }[where]
    for raw in (_dsn(to, victim), _plain_ndr(to, victim), _dsn(to, victim, status="4.2.2")):
        assert offered.deliver(raw, rcpt=[to]) == "ignored"
        row = _last_inbound(offered)
        assert row.raw is not None  # stored for a person to look at
        assert "proves" in row.outcome["reason"]
    _untouched(offered, 0)
    assert len(_ignored(offered)) == 3  # each one audited, with its reason
    assert all(e.data.get("reason") for e in _ignored(offered))


def test_a_bounce_with_our_message_id_but_another_recipient_changes_nothing(
    offered: Offered,
) -> None:
    email = _email_to(offered, 1)  # our email to partner 1 …
    victim = offered.contacts[0].email  # … named as a bounce of partner 0's address
    to = _postmaster(offered)
    for raw in (
        _dsn(to, victim, returned_id=email.message_id),
        _dsn(to, victim, returned_id=email.message_id, returned_as="text/rfc822-headers"),
        _dsn(to, victim, in_reply_to=email.message_id),
    ):
        assert offered.deliver(raw, rcpt=[to]) == "ignored"
        assert "recipient" in _last_inbound(offered).outcome["reason"]
    _untouched(offered, 0, 1)


def test_a_verp_key_of_another_email_does_not_drop_the_address_the_body_names(
    offered: Offered,
) -> None:
    """A partner sees the VERP address of its own emails (Return-Path): it cannot use it
    to drop another partner."""
    bounce_to = _verp(offered, _email_to(offered, 1))
    raw = _dsn(bounce_to, offered.contacts[0].email)
    assert offered.deliver(raw, rcpt=[bounce_to]) == "ignored"
    _untouched(offered, 0, 1)


def test_a_genuine_verp_bounce_still_marks_the_address_and_moves_on(offered: Offered) -> None:
    bounce_to = _verp(offered, _email_to(offered, 0))
    raw = _dsn(bounce_to, offered.contacts[0].email.upper())
    assert offered.deliver(raw, rcpt=[bounce_to]) == "bounce"
    assert _contact(offered, 0).undeliverable
    assert not _contact(offered, 1).undeliverable
    assert _ignored(offered) == []


@pytest.mark.parametrize("returned_as", ["message/rfc822", "text/rfc822-headers"])
def test_a_dsn_with_our_message_id_and_its_recipient_marks_the_address(
    offered: Offered, returned_as: str
) -> None:
    email = _email_to(offered, 0)
    to = _postmaster(offered)
    raw = _dsn(
        to, f" {email.to_addr.upper()} ", returned_id=email.message_id, returned_as=returned_as
    )
    assert offered.deliver(raw, rcpt=[to]) == "bounce"
    assert _contact(offered, 0).undeliverable
    assert _last_inbound(offered).contact_id == offered.contacts[0].id


def test_a_forwarded_address_bounces_by_its_original_recipient(offered: Offered) -> None:
    """The partner's server forwarded our email: Final-Recipient is the forwarding target,
    Original-Recipient the address we sent to."""
    email = _email_to(offered, 0)
    to = _postmaster(offered)
    raw = _dsn(
        to, "someone@elsewhere.example", original=email.to_addr, returned_id=email.message_id
    )
    assert offered.deliver(raw, rcpt=[to]) == "bounce"
    assert _contact(offered, 0).undeliverable


def test_a_soft_bounce_with_proof_counts_one(offered: Offered) -> None:
    bounce_to = _verp(offered, _email_to(offered, 0))
    raw = _dsn(bounce_to, offered.contacts[0].email, status="4.2.2")
    assert offered.deliver(raw, rcpt=[bounce_to]) == "bounce"
    contact = _contact(offered, 0)
    assert contact.soft_bounces == 1 and not contact.undeliverable
