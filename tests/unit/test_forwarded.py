"""A customer's email forwarded to the deals address: the forward markers and header blocks
of the common mail clients in seven languages, and what the customer's text says."""

from __future__ import annotations

from decimal import Decimal
from email.message import EmailMessage

import pytest

from mailflow.inbound.parse import parse_message
from mailflow.inbound.parse.customer import amount
from mailflow.inbound.parse.forwarded import read_forwarded_text

CUSTOMER_TEXT = """Hello,

we need two heat pumps for our new office building.

Best regards
Jonas Weber
Weber Haustechnik GmbH
Phone +49 711 987654
"""

# (client and language, the forward's header block); the customer's text follows each
HEADERS = [
    ("gmail en", "---------- Forwarded message ---------\nFrom: Jonas Weber <jw@weber.example>\n"
     "Date: Mon, Dec 7, 2026 at 9:12 AM\nSubject: Heat pumps\nTo: Max <max@dealer.example>\n"),
    ("gmail de", "---------- Weitergeleitete Nachricht ---------\nVon: Jonas Weber "
     "<jw@weber.example>\nDate: Mo., 7. Dez. 2026 um 09:12 Uhr\nSubject: Heat pumps\n"
     "To: Max <max@dealer.example>\n"),
    ("thunderbird de", "-------- Weitergeleitete Nachricht --------\nBetreff: \tHeat pumps\n"
     "Datum: \tMon, 7 Dec 2026 09:12:00 +0100\nVon: \tJonas Weber <jw@weber.example>\n"
     "An: \tmax@dealer.example\n"),
    ("apple mail fr", "Début du message réexpédié :\n\nDe: Jonas Weber <jw@weber.example>\n"
     "Objet: Heat pumps\nDate: 7 décembre 2026 à 09:12:00 UTC+1\nÀ: max@dealer.example\n"),
    ("gmail es", "---------- Mensaje reenviado ---------\nDe: Jonas Weber <jw@weber.example>\n"
     "Date: lun, 7 dic 2026 a las 9:12\nSubject: Heat pumps\nTo: <max@dealer.example>\n"),
    ("thunderbird it", "-------- Messaggio inoltrato --------\nOggetto: Heat pumps\n"
     "Data: Mon, 7 Dec 2026 09:12:00 +0100\nMittente: Jonas Weber <jw@weber.example>\n"
     "A: max@dealer.example\n"),
    ("outlook nl", "-----Oorspronkelijk bericht-----\nVan: Jonas Weber [mailto:jw@weber.example]\n"
     "Verzonden: maandag 7 december 2026 09:12\nAan: max@dealer.example\n"
     "Onderwerp: Heat pumps\n"),
    ("outlook pl", "________________________________\nOd: Jonas Weber <jw@weber.example>\n"
     "Wysłane: poniedziałek, 7 grudnia 2026 09:12\nDo: max@dealer.example\nTemat: Heat pumps\n"),
    ("outlook de bold", "________________________________\n*Von:* Jonas Weber "
     "<jw@weber.example>\n*Gesendet:* Montag, 7. Dezember 2026 09:12\n*An:* max@dealer.example\n"
     "*Betreff:* Heat pumps\n"),
]  # fmt: skip


@pytest.mark.parametrize(("client", "header"), HEADERS, ids=[h[0] for h in HEADERS])
def test_each_clients_forward_gives_the_note_sender_and_text(client: str, header: str) -> None:
    forwarded = read_forwarded_text(f"Please register this one.\n\n{header}\n{CUSTOMER_TEXT}")
    assert forwarded.found and forwarded.note == "Please register this one."
    assert forwarded.subject == "Heat pumps"
    customer = forwarded.customer
    assert (customer.name, customer.email) == ("Jonas Weber", "jw@weber.example")
    assert customer.company == "Weber Haustechnik GmbH" and customer.phone == "+49 711 987654"
    assert customer.requirement is not None
    assert customer.requirement.endswith("two heat pumps for our new office building.")
    assert "Phone" not in customer.requirement and customer.value is None


def test_a_forward_quoted_with_angle_brackets_is_read_unquoted() -> None:
    quoted = "\n".join(f"> {line}" for line in (HEADERS[0][1] + "\n" + CUSTOMER_TEXT).splitlines())
    forwarded = read_forwarded_text(f"FYI\n\n{quoted}")
    assert forwarded.customer.email == "jw@weber.example"
    assert forwarded.customer.company == "Weber Haustechnik GmbH"


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("Unser Budget liegt bei ca. 42.000 € netto.", "42000.00", "EUR"),
        ("Budget : 25 000 EUR HT", "25000.00", "EUR"),
        ("The order value is about USD 18,500.50 in total", "18500.50", "USD"),
        ("presupuesto de 12.500,00 €", "12500.00", "EUR"),
        ("valore stimato 20k EUR", "20000.00", "EUR"),
        ("Wartość ok. 80 000 zł.", "80000.00", "PLN"),
        ("We have 3 buildings; budget CHF 90'000.", "90000.00", "CHF"),
    ],
)
def test_a_stated_value_is_read_in_the_writers_notation(
    text: str, value: str, currency: str
) -> None:
    assert amount(f"Hello,\n{text}\nThanks") == (Decimal(value), currency)


def test_no_value_is_guessed_from_numbers_without_a_currency() -> None:
    assert amount("We have 3 buildings with 180 m² and 12 rooms, call 0711 123456.") == (
        None,
        None,
    )


def test_a_message_forwarded_as_an_attachment_is_read_from_its_own_headers() -> None:
    inner = EmailMessage()
    inner["From"] = "Claire Martin <claire@batiment-sud.example>"
    inner["Subject"] = "Demande de devis"
    inner.set_content("Bonjour,\nUne pompe à chaleur. Budget : 25 000 EUR.\n\nCordialement\n"
                      "Claire Martin\nBâtiment Sud SARL\n")  # fmt: skip
    outer = EmailMessage()
    outer["From"] = "pierre@dealer.example"
    outer["To"] = "deals@reply.mailflow.test"
    outer["Subject"] = "TR: Demande de devis"
    outer.set_content("À enregistrer, merci.")
    outer.add_attachment(inner)
    parsed = parse_message(outer.as_bytes(), ["deals@reply.mailflow.test"])
    assert parsed.deals_to == ("", "reply.mailflow.test")
    assert parsed.forwarded is not None and parsed.forwarded.note == "À enregistrer, merci."
    customer = parsed.forwarded.customer
    assert (customer.email, customer.company) == ("claire@batiment-sud.example",
                                                  "Bâtiment Sud SARL")  # fmt: skip
    assert (customer.value, customer.currency) == (Decimal("25000.00"), "EUR")


def test_a_message_not_to_the_deals_address_is_not_read_as_a_forward() -> None:
    msg = EmailMessage()
    msg["From"] = "max@dealer.example"
    msg["To"] = "reply+abc.def@reply.mailflow.test"
    msg["Subject"] = "Re: lead"
    msg.set_content(f"pick\n\n{HEADERS[0][1]}\n{CUSTOMER_TEXT}")
    parsed = parse_message(msg.as_bytes(), [])
    assert parsed.deals_to is None and parsed.forwarded is None
