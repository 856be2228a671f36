"""Emails in the reader's language: no English sentence left in a French or Polish
offer, amounts and dates in the locale's format, plural forms by the locale's rule."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from mailflow import i18n
from mailflow.mail.kinds import sample
from mailflow.mail.render import Rendered, Renderer
from tests.unit.test_catalogs import SAME_AS_ENGLISH, TRANSLATIONS

BRAND = {"name": "Nordwind", "color": "#0b5cad", "base_url": "https://leads.example.com"}
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})

RENDERER = Renderer()


def _render(kind: str, lang: str, **context: object) -> Rendered:
    return RENDERER.render(kind, {**sample(kind, lang), "brand": BRAND, **context})


def _all(mail: Rendered) -> str:
    return " ".join((mail.subject, mail.text, mail.html)).replace("&#39;", "'")


def _english_fragments() -> list[str]:
    """Every English message, cut at its placeholders, in pieces of three words or more:
    none of them may stand in an email in another language."""
    with (TRANSLATIONS / "messages.pot").open("rb") as fh:
        pot = read_po(fh)
    out = []
    for m in pot:
        for text in [m.id] if isinstance(m.id, str) else list(m.id or ()):
            out += [f.strip() for f in _PLACEHOLDER.split(text) if len(f.split()) >= 3]
    return out


@pytest.mark.parametrize("kind", ["offer", "details", "feedback_thanks", "reply_confirmation"])
@pytest.mark.parametrize("lang", ["fr", "pl"])
def test_an_email_in_french_or_polish_has_no_english_sentence(kind: str, lang: str) -> None:
    english, translated = _all(_render(kind, "en")), _all(_render(kind, lang))
    fragments = [f for f in _english_fragments() if f in english]
    assert len(fragments) >= 3  # the English email does say them
    assert [f for f in fragments if f in translated] == []
    labels = [m for m in ("Estimated value", "Customer", "Requirement", "Amount") if m in english]
    assert [m for m in labels if m in translated and m not in SAME_AS_ENGLISH.get(lang, {})] == []


@pytest.mark.parametrize(
    ("lang", "amount"),
    [
        ("en", "€18,500.00"),
        ("de", "18.500,00 €"),
        ("fr", "18 500,00 €"),
        ("es", "18.500,00 €"),
        ("it", "18.500,00 €"),
        ("nl", "€ 18.500,00"),
        ("pl", "18 500,00 €"),
    ],
)
def test_the_offer_shows_the_value_in_the_readers_format(lang: str, amount: str) -> None:
    mail = _render("offer", lang)
    assert amount in mail.text.translate(_SPACES)
    assert amount in mail.html.translate(_SPACES)


def test_zloty_and_dates_in_polish() -> None:
    thanks = _render("feedback_thanks", "pl", amount="12500", currency="PLN")
    assert "12 500,00 zł" in thanks.text.translate(_SPACES)
    away = _render("away_confirm", "pl")  # until 2026-12-28, asked 2028-11-20
    assert "28 gru 2026" in away.text and "20 lis 2028" in away.text
    assert "2026-12-28" not in away.text
    french = _render("away_confirm", "fr")
    assert "28 déc. 2026" in french.text


def test_a_count_takes_the_polish_plural_form() -> None:
    one, two, five = (
        _render("queue_digest", "pl", partners=sample("queue_digest")["partners"][:1] * n).subject
        for n in (1, 2, 5)
    )
    assert "1 partner zalega" in one
    assert "2 partnerzy zalegają" in two
    assert "5 partnerów zalega" in five
    singular, plural = (
        "Weekly processing queue: %(num)s partner owes feedback",
        "Weekly processing queue: %(num)s partners owe feedback",
    )
    assert i18n.ngettext("fr", singular, plural, 0).endswith("0 partenaire doit un retour")
    assert i18n.ngettext("fr", singular, plural, 2).endswith("2 partenaires doivent un retour")
