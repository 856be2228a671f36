# ruff: noqa: F811  (the imported "offered" fixture is every test's argument)
"""Spoofed replies: the sender of a reply (and of an out-of-office) is read strictly —
exactly one From header with exactly one mailbox the RFC 5322 parser reads without
repairing it — must be a contact of the partner, and behind an MTA that checks
DMARC/DKIM/SPF (``MAILFLOW_INBOUND_AUTHSERV_ID``) its verdict for the From domain must
pass. An away period set by mail is capped. End to end: store → process."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from babel.dates import format_date
from sqlmodel import col, select

from mailflow.models import Contact, Event, InboundEmail, OutboundEmail
from mailflow.queries.away import paused_spans
from mailflow.rules.followup import back_at
from tests.inbound.conftest import Offered, offered  # noqa: F401  (the fixture)
from tests.mail import reply

MTA = "mx.nordwind.test"


def _raw_reply(offered: Offered, from_lines: list[str], text: str = "pick", **extra: str) -> bytes:
    """A reply whose From lines are written as given (a mail client would not)."""
    head = "".join(f"From: {line}\r\n" for line in from_lines)
    head += "".join(f"{name}: {value}\r\n" for name, value in extra.items())
    return (
        f"{head}To: {offered.reply_to(0)}\r\nSubject: Re: New warm lead\r\n"
        f"Message-ID: <{datetime.now().timestamp()}.{len(head)}@dealer.example>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
    ).encode()


def _last(offered: Offered) -> InboundEmail:
    with offered.rt.db.read() as s:
        return s.exec(select(InboundEmail).order_by(col(InboundEmail.id).desc())).first()  # type: ignore[return-value]


def _behind_mta(offered: Offered) -> None:
    offered.rt.settings = offered.rt.settings.with_(inbound_authserv_ids=(MTA,))


def _away_until(offered: Offered, i: int) -> datetime | None:
    """When the partner of offer ``i`` is back from the pause an away period sets."""
    now = offered.rt.clock.now()
    with offered.rt.db.read() as s:
        return back_at(paused_spans(s, offered.offers[i].organization_id, now), now)


def test_a_display_name_that_looks_like_the_partners_address_is_not_the_sender(
    offered: Offered,
) -> None:
    victim = offered.contacts[0].email
    for from_line in (
        f"{victim} <attacker@evil.example>",  # parseaddr read the display name
        f'"{victim}" <attacker@evil.example>',
        f"=?utf-8?q?{victim.replace('@', '=40')}?= <attacker@evil.example>",
    ):
        assert offered.deliver(_raw_reply(offered, [from_line])) == "review"
    assert offered.lead_state() == "offered"


def test_several_from_mailboxes_or_broken_syntax_are_not_acted_on(offered: Offered) -> None:
    victim = offered.contacts[0].email
    for lines in (
        [f"{victim}, attacker@evil.example"],
        [f"attacker@evil.example, {victim}"],
        [victim, "attacker@evil.example"],  # two From headers
        [f"<{victim}"],  # an unclosed angle bracket the parser repaired
        [f"Partner <{victim}> <attacker@evil.example>"],
        [f"group: {victim};"],
        [f"{victim} (comment) attacker@evil.example"],
    ):
        assert offered.deliver(_raw_reply(offered, lines)) == "review", lines
        assert "not verified" in _last(offered).outcome["reason"]
    assert offered.lead_state() == "offered"


def test_a_sender_header_of_a_stranger_is_not_acted_on(offered: Offered) -> None:
    raw = _raw_reply(offered, [offered.contacts[0].email], Sender="attacker@evil.example")
    assert offered.deliver(raw) == "review"
    assert offered.lead_state() == "offered"


def test_the_real_contact_still_picks_by_reply(offered: Offered) -> None:
    contact = offered.contacts[0]
    raw = _raw_reply(offered, [f"{contact.name} <{contact.email.upper()}>"])
    assert offered.deliver(raw) == "applied"
    assert offered.lead_state() == "picked"
    assert _last(offered).outcome["auth"]["checked"] is False


def _with_auth(offered: Offered, *results: str, text: str = "pick") -> bytes:
    """A reply by the real contact with Authentication-Results headers, top first."""
    headers = "".join(f"Authentication-Results: {r}\r\n" for r in results)
    body = reply(text, to=offered.reply_to(0), sender=offered.contacts[0].email)
    return headers.encode() + body


def _domain(offered: Offered) -> str:
    return offered.contacts[0].email.rpartition("@")[2]


def test_dmarc_fail_from_our_mta_is_not_acted_on_and_the_verdict_is_recorded(
    offered: Offered,
) -> None:
    _behind_mta(offered)
    failed = (
        f"{MTA}; dkim=none; spf=fail smtp.mailfrom=evil.example;"
        f" dmarc=fail (p=none) header.from={_domain(offered)}"
    )
    assert offered.deliver(_with_auth(offered, failed)) == "review"
    row = _last(offered)
    assert row.outcome["auth"]["passed"] is False
    assert "dmarc=fail" in row.outcome["auth"]["reason"]
    assert "dmarc=fail" in row.outcome["reason"]
    assert offered.lead_state() == "offered"


def test_no_aligned_pass_is_not_acted_on(offered: Offered) -> None:
    _behind_mta(offered)
    for result in (
        f"{MTA}; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=x@evil.example",
        f"{MTA}; spf=softfail smtp.mailfrom={_domain(offered)}",
        f"{MTA}; none",
    ):
        assert offered.deliver(_with_auth(offered, result)) == "review", result
    assert (
        offered.deliver(reply("pick", to=offered.reply_to(0), sender=offered.contacts[0].email))
        == "review"
    )  # no A-R from our MTA at all
    assert offered.lead_state() == "offered"


def test_forged_authentication_results_with_a_foreign_authserv_id_are_ignored(
    offered: Offered,
) -> None:
    _behind_mta(offered)
    domain = _domain(offered)
    forged = f"evil.example; dmarc=pass header.from={domain}; dkim=pass header.d={domain}"
    # Only the foreign header vouches: nobody we trust did.
    assert offered.deliver(_with_auth(offered, forged)) == "review"
    # Ours fails, a foreign one above it passes: ours counts.
    ours = f"{MTA}; dmarc=fail header.from={domain}"
    assert offered.deliver(_with_auth(offered, forged, ours)) == "review"
    # A copy of ours the sender wrote below our MTA's Received line does not count either.
    raw = _with_auth(offered, ours).replace(
        b"\r\nFrom:",
        f"\r\nReceived: from dealer.example by {MTA}\r\nAuthentication-Results: {MTA}; "
        f"dmarc=pass header.from={domain}\r\nFrom:".encode(),
        1,
    )
    assert offered.deliver(raw) == "review"
    assert offered.lead_state() == "offered"
    # Ours passes, a foreign one says fail: ours counts.
    bad = f"evil.example; dmarc=fail header.from={domain}"
    good = f"{MTA}; dkim=pass header.d={domain} header.s=s1; dmarc=pass header.from={domain}"
    assert offered.deliver(_with_auth(offered, good, bad)) == "applied"
    assert offered.lead_state() == "picked"


def _ooo(offered: Offered, sender: str, text: str) -> bytes:
    return reply(
        text,
        to=offered.reply_to(0),
        sender=sender,
        subject="Out of office: New warm lead",
        headers={"Auto-Submitted": "auto-replied"},
    )


def test_a_spoofed_out_of_office_from_a_stranger_sets_nobody_away(offered: Offered) -> None:
    offered.rt.clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    text = "I am out of the office until 20.12.2026."
    for sender in ("intruder@evil.example", f"{offered.contacts[0].email} <intruder@evil.example>"):
        assert offered.deliver(_ooo(offered, sender, text)) == "review"
    assert _away_until(offered, 0) is None
    assert offered.offer_states()[0] == "open"


def test_an_out_of_office_with_dmarc_fail_sets_nobody_away(offered: Offered) -> None:
    offered.rt.clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    _behind_mta(offered)
    raw = f"Authentication-Results: {MTA}; dmarc=fail header.from={_domain(offered)}\r\n"
    ooo = _ooo(offered, offered.contacts[0].email, "I am out of the office until 20.12.2026.")
    assert offered.deliver(raw.encode() + ooo) == "review"
    assert _away_until(offered, 0) is None


@pytest.mark.parametrize("max_days", [None, 10])
def test_an_out_of_office_naming_a_date_years_out_sets_away_for_the_cap_at_most(
    offered: Offered, max_days: int | None
) -> None:
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    offered.rt.clock.set(now)
    if max_days is not None:
        offered.rt.settings = offered.rt.settings.with_(away_max_days=max_days)
    days = max_days or 30
    raw = _ooo(offered, offered.contacts[0].email, "I am out of the office until 20.11.2028.")
    assert offered.deliver(raw) == "auto_reply"
    until = _away_until(offered, 0)
    assert until is not None and now < until <= now + timedelta(days=days)
    assert offered.offer_states()[0] == "away"
    row = _last(offered)
    assert row.outcome["away_asked"].startswith("2028-11-20")  # the longer date is recorded
    with offered.rt.db.read() as s:
        capped = s.exec(select(Event).where(Event.kind == "organization.away_capped")).one()
    assert capped.data["asked"].startswith("2028-11-20")
    assert capped.organization_id == offered.offers[0].organization_id


def test_an_out_of_office_within_the_cap_sets_the_date_it_names(offered: Offered) -> None:
    offered.rt.clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    raw = _ooo(offered, offered.contacts[0].email, "I am out of the office until 20.12.2026.")
    assert offered.deliver(raw) == "auto_reply"
    until = _away_until(offered, 0)
    assert until is not None and until.date().isoformat() == "2026-12-20"
    assert "away_asked" not in _last(offered).outcome


def test_partner_managers_confirm_the_longer_period_by_a_signed_link(
    offered: Offered, client: Any
) -> None:
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    offered.rt.clock.set(now)
    with offered.rt.db.transaction() as s:
        s.add(
            Contact(
                organization_id=offered.world.manufacturer(),
                name="PM",
                email="pm@nordwind.test",
                role="partner_manager",
                receives_offers=False,
                created_at=now,
            )
        )
    raw = _ooo(offered, offered.contacts[0].email, "I am out of the office until 20.11.2028.")
    assert offered.deliver(raw) == "auto_reply"
    with offered.rt.db.read() as s:
        ask = s.exec(select(OutboundEmail).where(OutboundEmail.kind == "away_confirm")).one()
    assert ask.to_addr == "pm@nordwind.test" and ask.context["asked"] == "2028-11-20"
    path = urlsplit(ask.context["links"]["confirm"]).path
    capped = _away_until(offered, 0)

    page = client.get(path)  # a mail scanner opening the link changes nothing
    # the manager's language is English: the date as Babel writes it there
    shown = format_date(date(2028, 11, 20), locale="en")
    assert page.status_code == 200 and shown in page.get_data(as_text=True)
    assert _away_until(offered, 0) == capped
    assert client.post(path, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.get(path[:-3] + "abc").status_code == 404  # tampered
    assert _away_until(offered, 0) == capped

    done = client.post(path)
    assert done.status_code == 200 and 'data-testid="away-done"' in done.get_data(as_text=True)
    until = _away_until(offered, 0)
    assert until is not None and until.date().isoformat() == "2028-11-20"
    with offered.rt.db.read() as s:
        event = s.exec(select(Event).where(Event.kind == "organization.away_confirmed")).one()
    assert event.actor == f"contact:{ask.contact_id}"
