"""One shared reply address (no reply+<key>@): the key rides in the Message-ID and the
subject's code; and the mailto: reply buttons, sent through the whole pipeline."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from sqlmodel import col, select

from mailflow.actions.outbound import outbox
from mailflow.mail.capture import CapturedMail, MailCapture
from mailflow.models import Contact, OutboundEmail
from mailflow.runtime import Runtime
from mailflow.settings import Settings
from tests.conftest import make_settings
from tests.factories import World
from tests.inbound.conftest import Offered
from tests.mail import reply

SHARED = "sales@nordwind.test"
_MAILTO = re.compile(r'<a href="(mailto:[^"]+)"\s+data-action="reply-([a-z]+)"')


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(tmp_path, db_url, reply_address=SHARED)


def _offer_mail(smtp: MailCapture, contact: Contact) -> CapturedMail:
    return next(m for m in smtp.messages() if contact.email in m.to)


def _buttons(mail: CapturedMail) -> dict[str, tuple[str, str, str]]:
    """action → (address, subject, body) of the email's mailto: buttons."""
    found = {}
    for href, action in _MAILTO.findall(mail.part("html")):
        url = urlsplit(unescape(href))
        query = parse_qs(url.query)
        found[action] = (unquote(url.path), query["subject"][0], query["body"][0])
    return found


def test_offer_emails_carry_the_shared_address_the_key_and_the_code(
    offered: Offered, smtp: MailCapture
) -> None:
    mail = _offer_mail(smtp, offered.contacts[0])
    assert mail.reply_to == SHARED
    code = re.search(r"\[#(L-[0-9a-z-]+)\]", mail.subject)
    assert code is not None
    assert offered.rt.signer.read_reply_code(code.group(1)) == (
        offered.offers[0].id,
        offered.contacts[0].id,
    )
    assert ".rk-" in str(mail.message["Message-ID"])
    buttons = _buttons(mail)
    assert set(buttons) == {"pick", "decline"}
    assert all(address == SHARED for address, _, _ in buttons.values())
    assert "mailto:" in mail.part("plain")


def test_a_reply_to_the_shared_address_is_routed_by_its_in_reply_to(
    offered: Offered, smtp: MailCapture
) -> None:
    mail = _offer_mail(smtp, offered.contacts[1])
    raw = reply(
        "Wir nehmen ihn!",
        to=SHARED,
        sender=offered.contacts[1].email,
        subject="Re: lead",
        headers={"In-Reply-To": str(mail.message["Message-ID"])},
    )
    assert offered.deliver(raw) == "applied"
    assert offered.offer_states() == ["taken", "picked", "taken"]


def test_a_reply_with_only_the_subject_code_is_routed(offered: Offered, smtp: MailCapture) -> None:
    subject = _offer_mail(smtp, offered.contacts[2]).subject
    raw = reply("pick", to=SHARED, sender=offered.contacts[2].email, subject=f"AW: {subject}")
    assert offered.deliver(raw) == "applied"
    assert offered.offer_states() == ["taken", "taken", "picked"]


def test_a_forged_code_goes_to_review_and_an_old_one_is_refused(
    offered: Offered, smtp: MailCapture
) -> None:
    subject = _offer_mail(smtp, offered.contacts[0]).subject
    forged = re.sub(r"-([0-9a-z]{6})\]", "-zzzzzz]", subject)
    sender = offered.contacts[0].email
    assert offered.deliver(reply("pick", to=SHARED, sender=sender, subject=forged)) == "review"
    offered.rt.clock.advance(days=offered.rt.settings.token_max_age_days + 2)
    assert offered.deliver(reply("ja", to=SHARED, sender=sender, subject=subject)) == "refused"
    assert offered.lead_state() == "offered"


@pytest.fixture
def speaking(rt: Runtime, world: World, smtp: MailCapture) -> Offered:
    """Offered to partners whose contacts read German, Polish and German."""
    for city, language in (("Stuttgart", "de"), ("Ulm", "pl"), ("Karlsruhe", "de")):
        world.partner(city, contacts=1, language=language)
    lead, offers = world.offered_lead()
    contacts = [world.contacts(o.organization_id)[0] for o in offers]
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))
    return Offered(rt, world, lead, offers, contacts)


def _send_button(offered: Offered, i: int, action: str, smtp: MailCapture, kind: str) -> str:
    """Press the ``action`` mailto: button of the latest ``kind`` email to contact ``i``:
    what a mail program sends for it, with the reason line filled in for a decline."""
    contact = offered.contacts[i]
    with offered.rt.db.read() as s:
        row = s.exec(
            select(OutboundEmail)
            .where(OutboundEmail.kind == kind, OutboundEmail.to_addr == contact.email)
            .order_by(col(OutboundEmail.id).desc())
        ).first()
    assert row is not None
    mail = next(m for m in smtp.messages() if row.message_id in str(m.message["Message-ID"]))
    address, subject, body = _buttons(mail)[action]
    return offered.deliver(reply(body, to=address, sender=contact.email, subject=subject))


@pytest.mark.parametrize("lang_index", [0, 1])
def test_mailto_buttons_pick_and_report_won_in_german_and_polish(
    speaking: Offered, smtp: MailCapture, lang_index: int
) -> None:
    assert _send_button(speaking, lang_index, "pick", smtp, "offer") == "applied"
    assert speaking.lead_state() == "picked"
    outbox.dispatch(speaking.rt, outbox.due_ids(speaking.rt, speaking.rt.clock.now()))
    assert _send_button(speaking, lang_index, "won", smtp, "details") == "applied"
    assert speaking.lead_state() == "won"


@pytest.mark.parametrize("lang_index", [0, 1])
def test_mailto_decline_in_german_and_polish(
    speaking: Offered, smtp: MailCapture, lang_index: int
) -> None:
    assert _send_button(speaking, lang_index, "decline", smtp, "offer") == "applied"
    assert speaking.offer_states()[lang_index] == "declined"
