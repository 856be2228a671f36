"""A French and a Polish partner, end to end in their language: the offer email, the pick
dialog on a phone in real headless Chromium, the details email, then a win told by reply
in their own words and the thank-you that quotes what was understood."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import select

from mailflow.actions.inbound.store import store_raw
from mailflow.inbound.process import process
from mailflow.models import Feedback
from tests.e2e.conftest import Live
from tests.e2e.test_browser import ARTIFACTS, browser  # noqa: F401 (the fixture)
from tests.factories import World
from tests.mail import reply

# what the partner sees, as a native speaker reads it (the catalogs' wording)
SEEN = {
    "fr": {
        "offer_subject": "Nouveau lead",
        "pick_button": "Accepter ce lead",
        "picked_title": "Le lead est à vous",
        "details_subject": "Le lead n° {id} est à vous : coordonnées",
        "won_reply": "Bonne nouvelle, le client a signé la commande hier : 12 500 € HT.",
        "thanks_subject": "Merci : le lead n° {id} est maintenant « gagné »",
        "amount": "12 500,00 €",
        "words": "« signé »",
    },
    "pl": {
        "offer_subject": "Nowe zapytanie",
        "pick_button": "Przyjmij to zapytanie",
        "picked_title": "Zapytanie jest Państwa",
        "details_subject": "Zapytanie nr {id} jest Państwa: dane kontaktowe",
        "won_reply": "Klient wczoraj podpisał umowę, wartość 12 500 zł netto.",
        "thanks_subject": "Dziękujemy: zapytanie nr {id} ma teraz status „wygrane”",
        "amount": "12 500,00 zł",
        "words": "„podpisał”",
    },
}
NBSP = re.compile(r"[\u00a0\u202f]")  # Babel's no-break and narrow no-break spaces


def _plain(text: str) -> str:
    return NBSP.sub(" ", text)


@pytest.mark.parametrize("language", sorted(SEEN))
def test_a_partner_gets_offer_dialog_and_confirmation_in_its_language(
    browser: Any,  # noqa: F811
    live: Live,
    world: World,
    language: str,
) -> None:
    seen = SEEN[language]
    world.partner("Stuttgart", language=language)
    lead = world.lead()
    live.queue.drain()
    (offer_mail,) = live.smtp.messages()
    assert offer_mail.subject.startswith(seen["offer_subject"]), offer_mail.subject
    assert f'lang="{language}"' in offer_mail.part("html")
    link = re.search(r'href="([^"]+)"[^>]*data-action="pick"', offer_mail.part("html"))
    assert link is not None

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale=language)
    page.goto(link.group(1))
    assert page.evaluate("document.documentElement.lang") == language
    button = page.locator('button[data-action="pick"]')
    assert button.inner_text() == seen["pick_button"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    live.smtp.clear()
    with page.expect_navigation():
        button.click()
    assert page.locator("h1").inner_text() == seen["picked_title"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"picked-{language}-phone.png"), full_page=True)
    page.close()
    live.queue.drain()
    (details,) = live.smtp.messages()
    assert details.subject.startswith(seen["details_subject"].format(id=lead.id))

    # the win, told by reply in the partner's words
    picked = world.reload(lead)
    assert picked.state == "picked" and picked.owner_id is not None
    contact = world.contacts(picked.owner_id)[0]
    (offer,) = world.offers(lead.id)  # type: ignore[arg-type]
    to = f"reply+{live.rt.reply_key(offer.id, contact.id)}@{live.rt.settings.inbound_domain}"  # type: ignore[arg-type]
    live.smtp.clear()
    raw = reply(seen["won_reply"], to=to, sender=contact.email, subject=f"Re: {details.subject}")
    stored = store_raw(live.rt, raw, channel="smtp", mail_from=contact.email, rcpt_to=[to])
    outcome = process(live.rt, stored)
    assert outcome is not None and outcome.state == "applied", outcome
    assert world.reload(lead).state == "won"
    with live.rt.db.read() as s:
        feedback = s.exec(select(Feedback).where(Feedback.lead_id == lead.id)).one()
    assert (feedback.stage, feedback.amount) == ("won", 12500)
    live.queue.drain()
    (thanks,) = live.smtp.messages()
    assert thanks.subject.startswith(seen["thanks_subject"].format(id=lead.id)), thanks.subject
    body = _plain(thanks.part("plain"))
    assert seen["amount"] in body, body  # the amount in the reader's format and currency
    assert seen["words"] in body, body  # the partner's decisive words, quoted back
