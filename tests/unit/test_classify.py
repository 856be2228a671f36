"""Auto-reply, out-of-office and bounce detection on parsed messages."""

from __future__ import annotations

import time
from datetime import date
from email import message_from_bytes, message_from_string, policy
from email.message import EmailMessage, Message
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailflow.inbound.parse.classify import (
    Bounce,
    away_until,
    is_auto_reply,
    is_out_of_office,
    parse_bounce,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eml"
TODAY = date(2026, 3, 2)  # a Monday


def load(name: str) -> EmailMessage:
    msg = message_from_bytes((FIXTURES / name).read_bytes(), policy=policy.default)
    assert isinstance(msg, EmailMessage)  # what policy.default builds
    return msg


def message(headers: str, body: str = "Hello") -> Message:
    lines = [line.strip() for line in headers.strip().splitlines()]
    return message_from_string("\n".join(lines) + "\n\n" + body, policy=policy.default)


# --- fixtures -----------------------------------------------------------------------------

# name: (is_auto_reply, is_out_of_office)
FIXTURE_KINDS = {
    "ooo_exchange_de.eml": (True, True),
    "ooo_gmail_vacation_en.eml": (True, True),
    "ooo_subject_only_fr.eml": (True, True),
    "autoreply_ticket_en.eml": (True, False),
    "autoforward_exchange_rules_agent.eml": (True, False),
    "newsletter_precedence_bulk.eml": (True, False),
    "reply_outlook_de_won.eml": (False, False),
    "reply_gmail_en_decline.eml": (False, False),
    "reply_apple_de_pick_html.eml": (False, False),
    "bounce_rfc3464_hard.eml": (True, False),
    "bounce_qmail_plain.eml": (True, False),
    "bounce_exchange_ndr_de.eml": (True, False),
}


@pytest.mark.parametrize(("name", "kinds"), FIXTURE_KINDS.items())
def test_it_classifies_each_fixture(name: str, kinds: tuple[bool, bool]) -> None:
    msg = load(name)
    assert (is_auto_reply(msg), is_out_of_office(msg)) == kinds


BOUNCES = {
    "bounce_rfc3464_hard.eml": ("info@gone-partner.example", True, "5.1.1", "550 5.1.1"),
    "bounce_rfc3464_delayed.eml": ("kontakt@slow-partner.example", False, "4.4.1", "connect to"),
    "bounce_gmail_dsn_failure.eml": ("old.partner@gmail.com", True, "5.1.1", "550-5.1.1"),
    "bounce_qmail_plain.eml": ("buero@heizung-alt.example", True, "5.1.1", "Remote host said"),
    "bounce_exim_plain.eml": ("anfrage@closed-shop.example", True, "5.2.1", "550 5.2.1"),
    "bounce_exim_delay_plain.eml": ("info@greylist-partner.example", False, "4.7.1", "451"),
    "bounce_exchange_ndr_de.eml": ("j.meier@firma-meier.de", True, "5.1.10", "Remoteserver"),
}


@pytest.mark.parametrize(("name", "expected"), BOUNCES.items())
def test_it_parses_each_bounce_fixture(name: str, expected: tuple[str, bool, str, str]) -> None:
    recipient, hard, status, diagnostic_start = expected
    bounce = parse_bounce(load(name))
    assert bounce is not None
    assert (bounce.recipient, bounce.hard, bounce.status) == (recipient, hard, status)
    assert bounce.diagnostic is not None and bounce.diagnostic.startswith(diagnostic_start)


@pytest.mark.parametrize(
    "name",
    [
        "dsn_delivered_success.eml",
        "ooo_exchange_de.eml",
        "autoreply_ticket_en.eml",
        "reply_outlook_de_won.eml",
        "reply_gmail_en_decline.eml",
        "newsletter_precedence_bulk.eml",
    ],
)
def test_it_finds_no_bounce_in_success_reports_and_ordinary_mail(name: str) -> None:
    assert parse_bounce(load(name)) is None


def test_it_reads_the_return_date_of_the_exchange_out_of_office_fixture() -> None:
    body = load("ooo_exchange_de.eml").get_body(preferencelist=("plain",))
    assert body is not None
    assert away_until(body.get_content(), TODAY) == date(2026, 3, 16)


# --- auto-reply headers -------------------------------------------------------------------

AUTO_HEADERS = [
    "Auto-Submitted: auto-replied",
    "Auto-Submitted: auto-generated",
    "Auto-Submitted: auto-notified; owner-email=x@example.com",
    "X-Autoreply: yes",
    "X-Autorespond: Out of office",
    "Precedence: bulk",
    "Precedence: junk",
    "Precedence: list",
    "Precedence: auto_reply",
    "X-MS-Exchange-Inbox-Rules-Loop: max@example.de",
    "X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent",
]


@pytest.mark.parametrize("header", AUTO_HEADERS)
def test_it_recognizes_an_auto_reply_header(header: str) -> None:
    assert is_auto_reply(message(f"From: a@example.com\nSubject: Re: Lead\n{header}"))


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: no",
        "Auto-Submitted: No",
        "X-Auto-Response-Suppress: All",
        "Precedence: first-class",
        "X-MS-Exchange-Generated-Message-Source: Web Client",
    ],
)
def test_it_does_not_take_these_headers_for_an_auto_reply(header: str) -> None:
    assert not is_auto_reply(message(f"From: a@example.com\nSubject: Re: Lead\n{header}"))


AUTO_SUBJECTS = [
    "Out of Office: New lead",
    "Automatic reply: New lead",
    "AutoReply: New lead",
    "Automatische Antwort: Neuer Lead",
    "Abwesenheitsnotiz: Neuer Lead",
    "Ich bin nicht im Büro",
    "I am out of the office",
    "Réponse automatique : Nouveau prospect",
    "Reponse automatique : Nouveau prospect",
    "Respuesta automática: Nuevo cliente",
    "Risposta automatica: Nuovo contatto",
    "Automatisch antwoord: Nieuwe lead",
    "Autoodpowiedź: Nowy klient",
    "=?utf-8?Q?Automatische_Antwort:_Neuer_Lead?=",
]


@pytest.mark.parametrize("subject", AUTO_SUBJECTS)
def test_it_recognizes_a_localized_auto_reply_subject(subject: str) -> None:
    assert is_auto_reply(message(f"From: a@example.com\nSubject: {subject}"))


@pytest.mark.parametrize(
    "subject", ["Re: New lead", "AW: Neuer Lead", "Re: Vacation home heating", "WG: Urlaub"]
)
def test_it_does_not_take_an_ordinary_subject_for_an_auto_reply(subject: str) -> None:
    assert not is_auto_reply(message(f"From: a@example.com\nSubject: {subject}"))


def test_an_auto_reply_is_out_of_office_only_when_it_says_so() -> None:
    headers = "From: a@example.com\nSubject: Automatic reply: Lead\nAuto-Submitted: auto-replied"
    assert is_out_of_office(message(headers, "I am out of the office until March 12."))
    assert is_out_of_office(message(headers, "Ich bin im Urlaub und ab 12.3. wieder da."))
    assert not is_out_of_office(message(headers, "We received your request, ticket #123."))


def test_a_human_mentioning_the_office_is_not_out_of_office() -> None:
    msg = message("From: a@example.com\nSubject: Re: Lead", "I'm out of office next week, but yes.")
    assert not is_out_of_office(msg)


def test_it_reads_the_absence_wording_of_an_html_only_auto_reply() -> None:
    headers = "From: a@example.com\nSubject: Abwesend\nAuto-Submitted: auto-replied\n"
    headers += "Content-Type: text/html; charset=utf-8"
    assert is_out_of_office(message(headers, "<p>Ich bin <b>nicht im B&uuml;ro</b>.</p>"))


# --- away_until ---------------------------------------------------------------------------

RETURN_DATES: list[tuple[str, date | None]] = [
    ("I will be back on 12.03.2026.", date(2026, 3, 12)),
    ("Back on 2026-03-16.", date(2026, 3, 16)),
    ("I am out of the office until March 12.", date(2026, 3, 12)),
    ("Out of office until March 12th, 2026", date(2026, 3, 12)),
    ("I'm away until the 12th of March", date(2026, 3, 12)),
    ("Out until 03/12/2026", date(2026, 3, 12)),
    ("Ich bin bis zum 12.3. nicht im Büro.", date(2026, 3, 12)),
    ("Abwesend bis 12/03/2026", date(2026, 3, 12)),
    ("Ab dem 16. März bin ich wieder erreichbar.", date(2026, 3, 16)),
    ("Ich bin ab dem 16.03.2026 wieder im Büro.", date(2026, 3, 16)),
    ("Ich bin vom 2.3. bis 13.3. im Urlaub.", date(2026, 3, 13)),
    ("Bis einschließlich 13.03.2026 abwesend, ab dem 16.03.2026 wieder da.", date(2026, 3, 16)),
    ("Away 01.03.2026 - 13.03.2026, back on 16.03.2026.", date(2026, 3, 16)),
    ("Je suis absente jusqu'au 12 mars 2026.", date(2026, 3, 12)),
    ("De retour le 1er avril.", date(2026, 4, 1)),
    ("Estaré fuera de la oficina hasta el 12 de marzo.", date(2026, 3, 12)),
    ("Sarò fuori ufficio fino al 12 marzo.", date(2026, 3, 12)),
    ("Ik ben afwezig tot en met 12 maart.", date(2026, 3, 12)),
    ("Jestem poza biurem do 12 marca.", date(2026, 3, 12)),
    ("Back on Monday.", date(2026, 3, 9)),
    ("Ab Mittwoch bin ich wieder erreichbar.", date(2026, 3, 4)),
    ("I am out of the office with limited access to email.", None),
    ("Back on 30.02.2026.", None),
    ("Member since 12.03.1998.", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), RETURN_DATES, ids=[t for t, _ in RETURN_DATES])
def test_it_reads_the_return_date_an_out_of_office_names(text: str, expected: date | None) -> None:
    assert away_until(text, TODAY) == expected


def test_a_yearless_date_early_next_year_rolls_over() -> None:
    assert away_until("Ab dem 15. Januar wieder im Büro.", date(2026, 12, 20)) == date(2027, 1, 15)


def test_a_yearless_date_shortly_past_stays_in_this_year() -> None:
    assert away_until("Back on 25 February.", TODAY) == date(2026, 2, 25)


# --- bounces without a report part -------------------------------------------------------


def test_it_reads_the_recipient_from_x_failed_recipients() -> None:
    msg = message(
        "From: Mail Delivery System <Mailer-Daemon@mx.example>\n"
        "Subject: Mail delivery failed\nX-Failed-Recipients: gone@partner.example",
        "A message that you sent could not be delivered. 550 5.1.1 user unknown",
    )
    assert parse_bounce(msg) == Bounce(
        "gone@partner.example",
        True,
        "5.1.1",
        "A message that you sent could not be delivered. 550 5.1.1 user unknown",
    )


def test_an_exchange_english_ndr_is_a_hard_bounce() -> None:
    msg = message(
        "From: postmaster@partner.example\nTo: leads@mailflow.example\n"
        "Subject: Undeliverable: New lead",
        "Your message to max@partner.example couldn't be delivered.\n\n"
        "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'",
    )
    bounce = parse_bounce(msg)
    assert bounce is not None
    assert (bounce.recipient, bounce.hard, bounce.status) == ("max@partner.example", True, "5.1.1")


def test_a_failure_notice_without_codes_is_hard_and_a_delay_notice_is_soft() -> None:
    failure = message(
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
        "Subject: Delivery Status Notification (Failure)",
        "Delivery to the following recipient failed permanently:\n\n     gone@partner.example",
    )
    delay = message(
        "From: MAILER-DAEMON@mx.example\nSubject: Delivery Status Notification (Delay)",
        "Delivery to the following recipient has been delayed:\n\n     slow@partner.example",
    )
    assert parse_bounce(failure) == Bounce("gone@partner.example", True, None, None)
    assert parse_bounce(delay) == Bounce("slow@partner.example", False, None, None)


def test_a_report_without_an_action_field_still_counts_by_its_status() -> None:
    msg = message(
        "From: MAILER-DAEMON@mx.example\nSubject: Returned mail\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n"
        "Final-Recipient: rfc822; <gone@partner.example>\nStatus: 5.0.0\n\n--b--\n",
    )
    assert parse_bounce(msg) == Bounce("gone@partner.example", True, "5.0.0", None)


def test_a_postmaster_writing_an_ordinary_mail_is_no_bounce() -> None:
    msg = message("From: postmaster@partner.example\nSubject: Hello", "Just saying hello.")
    assert parse_bounce(msg) is None


# --- robustness ---------------------------------------------------------------------------

BROKEN = [
    b"",
    b"\x00\x00\x00",
    b"Subject: =?unknown-charset?Q?=FF=FE?=\n\nbody",
    b"Subject: =?utf-8?B?broken base64!!?=\nAuto-Submitted: =?x?q?\n\nbody",
    b"Content-Type: text/plain; charset=does-not-exist\n\n\xff\xfe body",
    b"Content-Type: multipart/report; report-type=delivery-status\n\nno boundary at all",
    b'Content-Type: multipart/mixed; boundary="x"\n\n--x\nContent-Type: message/delivery-status'
    b"\n\nAction: failed\nStatus: 9.9.9.9\n--x",
    b"From: MAILER-DAEMON\nSubject: failure notice\n\n" + b"<" * 50_000,
    b"X-Failed-Recipients: \xff\xfe@@@\nFrom: postmaster\n\n550",
    b"Subject: " + b"a" * 100_000 + b"\n\n" + b"x" * 100_000,
]


@pytest.mark.parametrize("raw", BROKEN, ids=range(len(BROKEN)))
def test_broken_messages_never_raise(raw: bytes) -> None:
    msg = message_from_bytes(raw, policy=policy.default)
    started = time.process_time()
    assert isinstance(is_auto_reply(msg), bool)
    assert isinstance(is_out_of_office(msg), bool)
    bounce = parse_bounce(msg)
    assert bounce is None or isinstance(bounce, Bounce)
    assert time.process_time() - started < 5


@settings(
    max_examples=200, deadline=2000, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.text(max_size=3000))
def test_away_until_never_raises_on_any_text(text: str) -> None:
    result = away_until(text, TODAY)
    assert result is None or isinstance(result, date)


@settings(
    max_examples=200, deadline=2000, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.binary(max_size=3000))
def test_classification_never_raises_on_any_bytes(raw: bytes) -> None:
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(is_auto_reply(msg), bool)
    assert isinstance(is_out_of_office(msg), bool)
    assert parse_bounce(msg) is None or isinstance(parse_bounce(msg), Bounce)
