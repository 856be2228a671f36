"""Closings, mobile signatures and quote headers in en, de, fr, es, it, nl and pl.

Each language has its own reply body, closings (with and without a name or signature block
below), mobile-client lines, quote headers and traps: text with a closing word in it that is
real content and must stay.
"""

from __future__ import annotations

import pytest

from mailflow.inbound.parse.extract import extract_reply, extract_reply_from_html
from mailflow.inbound.parse.signoffs import is_closing, is_name_block

BODIES = {
    "en": "We'll take the lead and call the customer tomorrow morning.",
    "de": "Wir übernehmen den Auftrag und rufen die Kundin morgen an.",
    "fr": "Nous prenons le contact et appelons le client demain matin.",
    "es": "Aceptamos el cliente y le llamamos mañana por la mañana.",
    "it": "Prendiamo il contatto e chiamiamo il cliente domani mattina.",
    "nl": "We nemen de lead aan en bellen de klant morgenochtend.",
    "pl": "Bierzemy zlecenie i dzwonimy do klienta jutro rano.",
}
ORIGINAL = "ORIGINALWORD: a new lead in your area is waiting for you."

CLOSINGS = {
    "en": [
        "Best regards,\nJohn Miller",
        "Kind regards\n\nJohn Miller\nSales Manager\nMiller Heating Ltd",
        "Regards,\nJohn",
        "Cheers,\nJohn",
        "Many thanks and best regards\nJohn",
        "Yours sincerely,\nJohn Miller",
        "All the best",
    ],
    "de": [
        "Gruß\nPetra",
        "Gruß Petra",
        "Mit freundlichen Grüßen\n\nPetra Schmidt\nSchmidt Haustechnik GmbH\nTel. +49 89 123456",
        "Viele Grüße aus Köln\nPetra",
        "Beste Grüsse,\ni.A. Petra Schmidt",
        "Danke und LG\nPetra",
        "Freundliche Grüße / Kind regards\nPetra Schmidt",
    ],
    "fr": [
        "Cordialement",
        "Cordialement,\nJean Dupont",
        "Bien cordialement,\n\nJean Dupont\nResponsable commercial",
        "Merci et bonne journée,\nJean",
        "Bien à vous,\nJean Dupont",
        "Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées.\n"
        "Jean Dupont",
        "Salutations distinguées\nJ. Dupont",
    ],
    "es": [
        "Saludos",
        "Saludos,\nJuan",
        "Un cordial saludo,\n\nJuan Pérez García\nInstalaciones Pérez S.L.",
        "Saludos cordiales desde Sevilla\nMaría de la Cruz",
        "Atentamente,\nJuan Pérez",
        "Gracias y un saludo\nJuan",
    ],
    "it": [
        "Distinti saluti",
        "Distinti saluti\nMario Rossi",
        "Cordiali saluti,\nGiulia Bianchi\nBianchi Impianti S.r.l.",
        "Grazie e cordiali saluti\nLuca",
        "Un saluto,\nLuca",
        "A presto,\nMario",
    ],
    "nl": [
        "Met vriendelijke groet",
        "Met vriendelijke groet,\n\nJan van der Berg\nInstallatiebedrijf Van der Berg",
        "Vriendelijke groeten,\nAnneke de Vries",
        "Groetjes,\nAnneke",
        "Mvg Jan",
        "Hartelijke groet uit Utrecht\nPieter",
    ],
    "pl": [
        "Pozdrawiam",
        "Pozdrawiam\nJan Kowalski",
        "Z poważaniem,\nAnna Nowak\nKierownik sprzedaży",
        "Pozdrawiam serdecznie,\nMarek",
        "Dziękuję i pozdrawiam\nMarek Wiśniewski",
        "Serdeczne pozdrowienia z Krakowa\nAnna",
    ],
}

MOBILE_SIGNATURES = {
    "en": ["Sent from my iPhone", "Sent from my Galaxy", "Get Outlook for Android"],
    "de": [
        "Von meinem iPhone gesendet",
        "Von meinem Samsung Galaxy Smartphone gesendet.",
        "Outlook für iOS herunterladen",
    ],
    "fr": [
        "Envoyé de mon iPhone",
        "Envoyé depuis mon appareil Galaxy",
        "Télécharger Outlook pour Android",
        "Ce message a été envoyé depuis mon appareil Android",
    ],
    "es": [
        "Enviado desde mi iPhone",
        "Enviado desde mi smartphone Samsung Galaxy.",
        "Obtener Outlook para Android",
        "Descargar Outlook para iOS",
    ],
    "it": [
        "Inviato da iPhone",
        "Inviato dal mio dispositivo Galaxy",
        "Scarica Outlook per Android",
        "Ottieni Outlook per iOS",
    ],
    "nl": [
        "Verzonden vanaf mijn iPhone",
        "Verstuurd vanaf mijn Samsung Galaxy-smartphone.",
        "Outlook voor Android downloaden",
        "Download Outlook voor iOS",
    ],
    "pl": [
        "Wysłane z iPhone'a",
        "Wysłane z mojego smartfona Samsung Galaxy",
        "Pobierz aplikację Outlook dla systemu Android",
        "Uzyskaj Outlook dla systemu iOS",
    ],
}

QUOTE_HEADERS = {
    "en": [
        "On Tue, 3 Mar 2026 at 09:40, Lead Desk <desk@leads.example> wrote:",
        "From: Lead Desk <desk@leads.example>\nSent: Tuesday, March 3, 2026 9:40 AM\n"
        "To: John Miller\nSubject: New lead",
        "---------- Forwarded message ---------",
    ],
    "de": [
        "Am Di., 3. März 2026 um 09:40 Uhr schrieb Lead Desk <desk@leads.example>:",
        "Von: Lead Desk <desk@leads.example>\nGesendet: Dienstag, 3. März 2026 09:40\n"
        "An: Petra Schmidt\nBetreff: Neue Anfrage",
        "-------- Weitergeleitete Nachricht --------",
    ],
    "fr": [
        "Le mar. 3 mars 2026 à 09:40, Lead Desk <desk@leads.example> a écrit :",
        "De : Lead Desk <desk@leads.example>\nEnvoyé : mardi 3 mars 2026 09:40\n"
        "À : Jean Dupont\nObjet : Nouveau contact",
        "Début du message réexpédié :",
    ],
    "es": [
        "El mar, 3 mar 2026 a las 9:40, Lead Desk (<desk@leads.example>) escribió:",
        "De: Lead Desk <desk@leads.example>\nEnviado: martes, 3 de marzo de 2026 9:40\n"
        "Para: Juan Pérez\nAsunto: Nuevo cliente",
        "---------- Mensaje reenviado ---------",
    ],
    "it": [
        "Il giorno mar 3 mar 2026 alle ore 09:40 Lead Desk <desk@leads.example> ha scritto:",
        "Da: Lead Desk <desk@leads.example>\nInviato: martedì 3 marzo 2026 09:40\n"
        "A: Mario Rossi\nOggetto: Nuovo contatto",
        "---------- Messaggio inoltrato ---------",
    ],
    "nl": [
        "Op di 3 mrt 2026 om 09:40 schreef Lead Desk <desk@leads.example>:",
        "Van: Lead Desk <desk@leads.example>\nVerzonden: dinsdag 3 maart 2026 09:40\n"
        "Aan: Jan van der Berg\nOnderwerp: Nieuwe lead",
        "Begin doorgestuurd bericht:",
    ],
    "pl": [
        "W dniu 3.03.2026 o 09:40, Lead Desk <desk@leads.example> napisał(a):",
        "Od: Lead Desk <desk@leads.example>\nWysłano: wtorek, 3 marca 2026 09:40\n"
        "Do: Jan Kowalski\nDW: Anna Nowak\nTemat: Nowy klient",
        "Początek przekazywanej wiadomości:",
    ],
}

# Real content with a closing word in it: nothing may be cut.
TRAPS = {
    "en": [
        "Best regards to Mr Brown, he was very helpful on site.\nWe start on Monday.",
        "Regards from the customer: she wants the quote by Friday.",
        "We'll take it.\n\nBest option is the air source heat pump.",
        "We'll take it.\n\nKind regards\nJohn\n\nPS the customer asked for a visit on Friday.",
    ],
    "de": [
        "Grüße an Ihr Team, wir melden uns morgen.\nDer Kunde möchte am Dienstag einen Termin.",
        "Wir nehmen den Auftrag.\n\nGrüße an Ihr Team, wir melden uns morgen\n"
        "und schicken das Angebot.",
        "Die Kundin lässt Grüße ausrichten und möchte ein Angebot bis Freitag.",
        "Wir nehmen den Auftrag.\n\nGrußkarte und Prospekt liegen bei",
        "Wir nehmen den Auftrag.\n\nBeste Grüße,\nPetra\nDer Kunde will den Termin verschieben",
    ],
    "fr": [
        "Le client transmet ses salutations et veut un devis.\nNous passons jeudi.",
        "Nous prenons le contact.\n\nCordialement vôtre n'est pas notre style, mais "
        "le client attend votre appel.",
        "Nous prenons le contact.\n\nBonne journée à vous aussi, le client rappelle demain.",
        "Bien à vous de décider : le client hésite entre deux modèles.",
    ],
    "es": [
        "El cliente manda saludos y quiere una visita el lunes.",
        "Aceptamos.\n\nSaludos a todos, nos vemos el lunes en la obra.",
        "Aceptamos.\n\nSaludos,\nJuan\n\nPD: el cliente prefiere que le llamen por la tarde.",
        "Atentamente revisamos la oferta y falta el presupuesto del tejado.",
    ],
    "it": [
        "Il cliente manda i suoi saluti e chiede un preventivo.",
        "Prendiamo il contatto.\n\nCordiali saluti dal cliente: vuole un preventivo entro venerdì.",
        "Prendiamo il contatto.\n\nCiao Mario, ci sentiamo domani per il sopralluogo.",
        "Saluti a parte, il cliente non risponde al telefono da due giorni.",
    ],
    "nl": [
        "De klant doet de groeten en wil een offerte voor vrijdag.",
        "We nemen de lead aan.\n\nMet vriendelijke groet van de klant, die graag morgen "
        "gebeld wil worden.",
        "We nemen de lead aan.\n\nGroeten aan Piet, hij heeft het dak al bekeken en het "
        "lekt bij de schoorsteen.",
        "Tot ziens op de bouwplaats is wat de klant zei, maar hij heeft nog geen datum.",
    ],
    "pl": [
        "Klient przesyła pozdrowienia i prosi o wycenę do piątku.",
        "Bierzemy zlecenie.\n\nPozdrawiam\nJan\n\nPS Klient prosi o telefon jutro rano.",
        "Bierzemy zlecenie.\n\nPozdrawiam serdecznie całą ekipę, bo świetnie poszło na budowie.",
        "Z poważaniem podchodzimy do tego klienta, ale brakuje numeru telefonu.",
    ],
}


def _cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(language, item) for language, items in table.items() for item in items]


def _ids(table: dict[str, list[str]]) -> list[str]:
    return [
        f"{language}-{number}" for language, items in table.items() for number in range(len(items))
    ]


@pytest.mark.parametrize("language", BODIES)
def test_every_language_has_at_least_five_cases_of_its_own(language: str) -> None:
    tables = (CLOSINGS, MOBILE_SIGNATURES, QUOTE_HEADERS, TRAPS)
    assert all(len(table[language]) >= 3 for table in tables)
    assert sum(len(table[language]) for table in tables) >= 5


@pytest.mark.parametrize(("language", "closing"), _cases(CLOSINGS), ids=_ids(CLOSINGS))
def test_it_strips_the_closing_and_the_name_below_it(language: str, closing: str) -> None:
    body = BODIES[language]
    assert extract_reply(f"{body}\n\n{closing}\n") == body


@pytest.mark.parametrize(("language", "closing"), _cases(CLOSINGS), ids=_ids(CLOSINGS))
def test_it_strips_the_closing_above_a_quote_header(language: str, closing: str) -> None:
    body = BODIES[language]
    header = QUOTE_HEADERS[language][0]
    assert extract_reply(f"{body}\n\n{closing}\n\n{header}\n> {ORIGINAL}") == body


# A sign-off above a signature block of two lines or more goes in either mode.
SHORT_CLOSINGS = {
    language: [closing for closing in closings if len(closing.strip().split("\n")) <= 2]
    for language, closings in CLOSINGS.items()
}


@pytest.mark.parametrize(("language", "closing"), _cases(SHORT_CLOSINGS), ids=_ids(SHORT_CLOSINGS))
def test_it_keeps_a_closing_with_just_a_name_when_asked_to(language: str, closing: str) -> None:
    body = BODIES[language]
    assert extract_reply(f"{body}\n\n{closing}", keep_closing=True) == f"{body}\n\n{closing}"


@pytest.mark.parametrize(("language", "closing"), _cases(CLOSINGS), ids=_ids(CLOSINGS))
def test_the_first_line_of_every_closing_reads_as_a_closing(language: str, closing: str) -> None:
    first, *names = closing.split("\n")
    assert is_closing(first)
    assert not names or is_name_block([line for line in names if line])


@pytest.mark.parametrize("language", BODIES)
def test_a_closing_that_is_the_whole_reply_stays(language: str) -> None:
    closing = CLOSINGS[language][1]
    assert extract_reply(closing) == closing


@pytest.mark.parametrize("language", BODIES)
def test_it_strips_the_closing_from_an_html_reply(language: str) -> None:
    body = BODIES[language]
    first, *rest = CLOSINGS[language][1].split("\n")
    html = f"<div>{body}</div><div><br></div><div>{first}<br>{'<br>'.join(rest)}</div>"
    html += f'<div class="gmail_quote">{QUOTE_HEADERS[language][0]}<blockquote>{ORIGINAL}'
    html += "</blockquote></div>"
    assert extract_reply_from_html(html) == body


@pytest.mark.parametrize(
    ("language", "signature"), _cases(MOBILE_SIGNATURES), ids=_ids(MOBILE_SIGNATURES)
)
def test_it_drops_a_mobile_signature_and_what_follows(language: str, signature: str) -> None:
    body = BODIES[language]
    assert extract_reply(f"{body}\n\n{signature}\n\n{ORIGINAL}") == body
    assert extract_reply(f"{body}\n\n{CLOSINGS[language][1]}\n\n{signature}") == body


@pytest.mark.parametrize(("language", "header"), _cases(QUOTE_HEADERS), ids=_ids(QUOTE_HEADERS))
def test_it_cuts_at_the_quote_header(language: str, header: str) -> None:
    body = BODIES[language]
    assert extract_reply(f"{body}\n\n{header}\n\n> {ORIGINAL}") == body
    assert extract_reply(f"{body}\n\n{header}\n\n{ORIGINAL}\n{ORIGINAL}") == body


@pytest.mark.parametrize(("language", "text"), _cases(TRAPS), ids=_ids(TRAPS))
def test_real_text_with_a_closing_word_in_it_stays_whole(language: str, text: str) -> None:
    assert extract_reply(text) == text


@pytest.mark.parametrize(("language", "text"), _cases(TRAPS), ids=_ids(TRAPS))
def test_real_text_stays_above_a_closing_and_a_quote(language: str, text: str) -> None:
    closing = CLOSINGS[language][1]
    header = QUOTE_HEADERS[language][0]
    assert extract_reply(f"{text}\n\n{closing}\n\n{header}\n> {ORIGINAL}") == text


@pytest.mark.parametrize(
    "line",
    [
        "Grüße an Ihr Team, wir melden uns morgen",
        "Saludos a todos, nos vemos el lunes en la obra.",
        "Regards from the customer: she wants the quote by Friday.",
        "Best option is the air source heat pump.",
        "Pozdrawiam serdecznie całą ekipę, bo świetnie poszło na budowie.",
        "Gruß" * 60,
    ],
)
def test_a_sentence_that_opens_with_a_closing_word_is_not_a_closing(line: str) -> None:
    assert not is_closing(line)


def test_thanks_alone_are_what_the_partner_says_and_stay() -> None:
    body = BODIES["de"]
    assert extract_reply(f"{body}\n\nDanke!\nPetra") == f"{body}\n\nDanke!\nPetra"
    assert extract_reply(f"{body}\n\nDanke und Gruß\nPetra") == body
