"""Command interpretation of partner replies: the English and German basics (the seven
languages in running text are in test_understand.py and the reply corpus)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailflow.inbound.parse.extract import extract_reply, extract_reply_from_html
from mailflow.inbound.parse.interpret import Command, interpret, parse_amount

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eml"

PICKS = [
    "pick",
    "Pick!",
    "take",
    "Accept",
    "accepted",
    "yes",
    "Yes!",
    "YES 👍",
    "Yes please",
    "Yes, no problem",
    "We'll take it",
    "we will take it",
    "I'll take it!",
    "We’d like to take it",
    "Ok, we'll take it.",
    "Hi, we'll take it",
    "Thanks!\nWe'll take it",
    "Yes, we'll take it. I'll call them tomorrow.",
    "count us in",
    "ja",
    "Ja!",
    "Ja, gerne",
    "Ja bitte",
    "nehmen",
    "Nehmen wir!",
    "wir nehmen",
    "Wir nehmen ihn.",
    "wir nehmen den Lead",
    "Ich nehme ihn",
    "übernehmen",
    "Wir übernehmen das",
    "annehmen",
    "Angenommen",
    "Wir nehmen das Angebot an",
    "Angebot angenommen",
    "Offer accepted",
    "Hallo Herr Müller,\n\nwir nehmen den Lead.\n\nGruß",
    "- Ja -",
    "> New lead: Smith\n\nYes",
]


@pytest.mark.parametrize("text", PICKS)
def test_it_reads_a_pick(text: str) -> None:
    assert interpret(text) == Command("pick")


DECLINES: list[tuple[str, str | None]] = [
    ("decline", None),
    ("Decline: too far away", "too far away"),
    ("declined - too small for us", "too small for us"),
    ("I decline, no capacity this month", "no capacity this month"),
    ("no", None),
    ("No.", None),
    ("No thanks", None),
    ("No, too far away", "too far away"),
    ("nope", None),
    ("pass", None),
    ("We pass, fully booked", "fully booked"),
    ("not interested", None),
    ("Not interested, too far away", "too far away"),
    ("We're not interested because the budget is too small", "the budget is too small"),
    ("We can't take it, fully booked", "fully booked"),
    ("I won't take this one", None),
    ("Won't take it", None),
    ("Unfortunately not", None),
    ("Decline\nToo far away.", "Too far away"),
    ("ablehnen", None),
    ("Ablehnen: zu weit weg", "zu weit weg"),
    ("abgelehnt, keine Kapazität", "keine Kapazität"),
    ("nein", None),
    ("Nein!", None),
    ("Nein, zu weit weg", "zu weit weg"),
    ("Nein danke", None),
    ("Nein, leider zu weit weg", "zu weit weg"),
    ("Nein\nViele Grüße\nMax", None),
    ("kein Interesse", None),
    ("Kein Interesse, zu klein", "zu klein"),
    ("Danke, kein Interesse", None),
    ("Leider kein Interesse", None),
    ("Leider nicht.", None),
    ("nicht interessiert", None),
    ("Wir lehnen ab, da wir ausgebucht sind", "wir ausgebucht sind"),
    ("Wir nehmen ihn nicht, zu weit weg", "zu weit weg"),
    ("Wir können den Auftrag leider nicht übernehmen", None),
    ("👎 nein, kein Personal", "kein Personal"),
]


@pytest.mark.parametrize(("text", "reason"), DECLINES)
def test_it_reads_a_decline_with_its_reason(text: str, reason: str | None) -> None:
    assert interpret(text) == Command("decline", reason=reason)


E = "EUR"
FEEDBACK: list[tuple[str, Command]] = [
    ("contacted", Command("feedback", "contacted")),
    ("Called him today", Command("feedback", "contacted")),
    ("Kunde kontaktiert", Command("feedback", "contacted")),
    ("Kunde angerufen", Command("feedback", "contacted")),
    ("meeting on Friday", Command("feedback", "meeting")),
    ("Appointment scheduled for Monday", Command("feedback", "meeting")),
    ("Termin am Freitag", Command("feedback", "meeting")),
    ("Besuch vor Ort am 12.03.", Command("feedback", "meeting")),
    ("Called the customer, meeting next week", Command("feedback", "meeting")),
    ("Termin vereinbart, Angebot folgt", Command("feedback", "meeting")),
    ("proposal sent", Command("feedback", "proposal")),
    ("Quote sent: 8.000 €", Command("feedback", "proposal", Decimal(8000), E)),
    ("quoted 8k", Command("feedback", "proposal", Decimal(8000))),
    ("Offer sent", Command("feedback", "proposal")),
    ("Angebot geschickt", Command("feedback", "proposal")),
    ("Angebot: 12.000 €", Command("feedback", "proposal", Decimal(12000), E)),
    ("Angebot über 9.800 € abgegeben", Command("feedback", "proposal", Decimal(9800), E)),
    ("Angebot", Command("feedback", "proposal")),
    ("won", Command("feedback", "won")),
    ("won 12,500 EUR", Command("feedback", "won", Decimal(12500), E)),
    ("Won 12,500.00 EUR", Command("feedback", "won", Decimal("12500.00"), E)),
    ("WON €12.5k", Command("feedback", "won", Decimal(12500), E)),
    ("closed won 5k USD", Command("feedback", "won", Decimal(5000), "USD")),
    ("Deal! $12,500", Command("feedback", "won", Decimal(12500), "USD")),
    ("We won the deal for £800", Command("feedback", "won", Decimal(800), "GBP")),
    ("won CHF 3'500", Command("feedback", "won", Decimal(3500), "CHF")),
    ("won 12k", Command("feedback", "won", Decimal(12000))),
    ("gewonnen", Command("feedback", "won")),
    ("Gewonnen! 12.500 €", Command("feedback", "won", Decimal(12500), E)),
    ("Gewonnen\n12.500 €", Command("feedback", "won", Decimal(12500), E)),
    ("Auftrag erhalten, 12.500,00 EUR", Command("feedback", "won", Decimal("12500.00"), E)),
    ("Auftrag erhalten 1.250.000 €", Command("feedback", "won", Decimal(1250000), E)),
    ("gewonnen am 12.03.2026 für 4.500 €", Command("feedback", "won", Decimal(4500), E)),
    ("Gewonnen, 12 500 EUR netto", Command("feedback", "won", Decimal(12500), E)),
    ("lost", Command("feedback", "lost")),
    (
        "Lost: customer chose a competitor",
        Command("feedback", "lost", reason="customer chose a competitor"),
    ),
    ("closed lost - too expensive", Command("feedback", "lost", reason="too expensive")),
    ("verloren", Command("feedback", "lost")),
    ("Leider verloren – zu teuer", Command("feedback", "lost", reason="zu teuer")),
    (
        "Verloren\nKunde hat sich für die Konkurrenz entschieden",
        Command("feedback", "lost", reason="Kunde hat sich für die Konkurrenz entschieden"),
    ),
]


@pytest.mark.parametrize(("text", "command"), FEEDBACK, ids=[text for text, _ in FEEDBACK])
def test_it_reads_pipeline_feedback(text: str, command: Command) -> None:
    assert interpret(text) == command


NOT_COMMANDS = [
    "",
    "   \n\n  ",
    "???",
    "ok",
    "Thanks!",
    "Hallo Herr Müller,",
    "Wie weit ist das?",
    "Can you send me the phone number?",
    "Ja, aber wie weit ist das?",
    "Yes, but only if the customer is located in Munich or close by",
    "not won yet",
    "noch kein Termin",
    "Kunde nicht erreicht",
    "No meeting yet",
    "Haven't contacted them yet",
    "> won 12k\n> yes",
    "Thanks for the lead. We discussed it internally and would like to know more about the "
    "budget before we decide anything.",
    "Vielen Dank für die Anfrage, wir schauen uns das in Ruhe an und melden uns dann bei Ihnen.\n"
    "Ja",
    "We looked at the lead and our team thinks the location is a bit far but we might\n"
    "take it if nobody else does",
    "👍",
    "Take care",
    "Not sure",
    "Angebot ist interessant, aber wer ist der Kunde?",
]


@pytest.mark.parametrize("text", NOT_COMMANDS)
def test_it_returns_none_for_free_text(text: str) -> None:
    assert interpret(text) is None


def test_a_command_further_down_in_running_text_counts() -> None:
    assert interpret("Thanks\n\nSee you\n\nBye\n\nWe'll take it") == Command("pick")


def test_a_greeting_line_does_not_use_up_a_command_line() -> None:
    assert interpret("Hi Tom,\n\nThanks\n\nSee you\n\nWe'll take it") == Command("pick")


def test_it_reads_the_command_below_a_greeting_line() -> None:
    assert interpret("Guten Tag,\n\nnein, zu weit weg.") == Command("decline", reason="zu weit weg")


AMOUNTS: list[tuple[str, tuple[Decimal, str | None] | None]] = [
    ("12,500.00", (Decimal("12500.00"), None)),
    ("12.500,00", (Decimal("12500.00"), None)),
    ("12.500 €", (Decimal(12500), "EUR")),
    ("12.500€", (Decimal(12500), "EUR")),
    ("EUR 12,500", (Decimal(12500), "EUR")),
    ("€ 12.500,50", (Decimal("12500.50"), "EUR")),
    ("$12,500", (Decimal(12500), "USD")),
    ("USD 1.2m", (Decimal(1200000), "USD")),
    ("12k", (Decimal(12000), None)),
    ("12K EUR", (Decimal(12000), "EUR")),
    ("5k USD", (Decimal(5000), "USD")),
    ("12,5k", (Decimal(12500), None)),
    ("12,5 Tsd. €", (Decimal(12500), "EUR")),
    ("1,5 Mio. €", (Decimal(1500000), "EUR")),
    ("1.250.000 €", (Decimal(1250000), "EUR")),
    ("CHF 3'500", (Decimal(3500), "CHF")),
    ("3’500 Fr.", (Decimal(3500), "CHF")),
    ("£800", (Decimal(800), "GBP")),
    ("800 GBP", (Decimal(800), "GBP")),
    ("12 500 EUR", (Decimal(12500), "EUR")),
    ("12\u00a0500 €", (Decimal(12500), "EUR")),
    ("100 Euro", (Decimal(100), "EUR")),
    ("50 euros", (Decimal(50), "EUR")),
    ("7 dollars", (Decimal(7), "USD")),
    ("12.50", (Decimal("12.50"), None)),
    ("12,5", (Decimal("12.5"), None)),
    ("12,500", (Decimal(12500), None)),
    ("12.500", (Decimal(12500), None)),
    ("1.234,5", (Decimal("1234.5"), None)),
    ("1,234.5", (Decimal("1234.5"), None)),
    ("12500", (Decimal(12500), None)),
    ("am 12.03. für 3.000 €", (Decimal(3000), "EUR")),
    ("2 Geräte für 4.000 €", (Decimal(4000), "EUR")),
    ("2 units, 8k", (Decimal(8000), None)),
    ("12.03.2026", None),
    ("2026-03-12", None),
    ("10:30", None),
    ("20%", None),
    ("12kg", None),
    ("", None),
    ("no amount here", None),
]


@pytest.mark.parametrize(("text", "expected"), AMOUNTS, ids=[text for text, _ in AMOUNTS])
def test_it_parses_amounts_in_every_common_form(
    text: str, expected: tuple[Decimal, str | None] | None
) -> None:
    assert parse_amount(text) == expected


def test_a_currency_amount_wins_over_an_earlier_bare_number() -> None:
    assert parse_amount("Kunde 4711: 9.900 €") == (Decimal(9900), "EUR")


REPLY_FIXTURES = {
    "reply_outlook_de_won.eml": Command("feedback", "won", Decimal(12500), "EUR"),
    "reply_gmail_en_decline.eml": Command("decline", reason="too far away for us"),
    "reply_apple_de_pick_html.eml": Command("pick"),
}


@pytest.mark.parametrize(("name", "command"), REPLY_FIXTURES.items())
def test_it_reads_the_command_of_a_real_reply_from_its_plain_and_html_body(
    name: str, command: Command
) -> None:
    msg = message_from_bytes((FIXTURES / name).read_bytes(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    extractors: dict[str, Callable[[str], str]] = {
        "plain": extract_reply,
        "html": extract_reply_from_html,
    }
    bodies = 0
    for kind, extractor in extractors.items():
        part = msg.get_body(preferencelist=(kind,))
        if isinstance(part, EmailMessage):
            bodies += 1
            assert interpret(extractor(part.get_content())) == command
    assert bodies >= 1


# --- robustness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "\x00" * 1000,
        "9" * 100_000,
        "won " + "1," * 50_000,
        "€" * 100_000,
        "ja " * 50_000,
        "\udcff\u202e" * 10_000,
        "1'" * 50_000,
        "won\n" * 100_000,
    ],
)
def test_nasty_input_never_raises(text: str) -> None:
    result = interpret(text)
    assert result is None or isinstance(result, Command)
    amount = parse_amount(text)
    assert amount is None or isinstance(amount[0], Decimal)


@settings(
    max_examples=400, deadline=1000, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.text(max_size=2000))
def test_interpret_never_raises_on_any_text(text: str) -> None:
    result = interpret(text)
    assert result is None or isinstance(result, Command)


@settings(
    max_examples=400, deadline=1000, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(
        st.sampled_from(list("0123456789.,' €$£kKmM-:/ "))
        | st.sampled_from(["EUR", "USD", "CHF", "GBP", "Mio", "Tsd", "won", "nein", "ja"]),
        max_size=80,
    ).map("".join)
    | st.text(max_size=500)
)
def test_parse_amount_never_raises_and_returns_a_decimal(text: str) -> None:
    result = parse_amount(text)
    if result is not None:
        value, currency = result
        assert isinstance(value, Decimal) and value.is_finite()
        assert currency in (None, "EUR", "USD", "CHF", "GBP")
