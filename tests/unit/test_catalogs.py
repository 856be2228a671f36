"""Every language's catalog is complete: each message of messages.pot translated, none
fuzzy, none left in English, every placeholder kept, the locale's plural forms; and
messages.pot itself is what the sources say today (``make messages`` was run)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from mailflow import i18n

ROOT = Path(i18n.__file__).parents[1]
TRANSLATIONS = ROOT / "mailflow" / "translations"
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != "en"]

# Messages a language legitimately writes as English does, and why. Keep it short: every
# entry here is a message a reader sees as it was written in English.
SAME_AS_ENGLISH: dict[str, dict[str, str]] = {
    "de": {
        "%(km)s km": "a distance: the unit is written alike in every language",
        "warm": "the same word in German",
        "Region": "the same word in German",
        "Partner": "the same word in German",
        "Partners": "German plural of Partner is Partner",
        "Lead": "the loanword the German sales trade uses",
    },
    "fr": {
        "%(km)s km": "a distance: the unit is written alike in every language",
        "Distance": "the same word in French",
        "Lead": "the loanword French B2B sales use (un lead, des leads)",
    },
    "es": {
        "%(km)s km": "a distance: the unit is written alike in every language",
    },
    "it": {
        "%(km)s km": "a distance: the unit is written alike in every language",
        "Partner": "the loanword Italian B2B trade uses (il partner)",
    },
    "nl": {
        "%(km)s km": "a distance: the unit is written alike in every language",
        "Lead": "the loanword Dutch sales use (de lead, leads)",
        "Partner": "the same word in Dutch",
        "Partners": "the same word in Dutch",
        "warm": "the same word in Dutch",
        "Website": "the same word in Dutch",
    },
    "pl": {
        "%(km)s km": "a distance: the unit is written alike in every language",
        "Partner": "the same word in Polish (partner handlowy)",
    },
}
# Placeholders a translation must keep: %(name)s, Jinja tags and HTML tags.
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{\{.*?\}\}|\{%.*?%\}|</?[a-z][^>]*>")


def _po(lang: str) -> Catalog:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def _pot() -> Catalog:
    with (TRANSLATIONS / "messages.pot").open("rb") as fh:
        return read_po(fh)


def _key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _ids(catalog: Catalog) -> set[str]:
    return {_key(m) for m in catalog if m.id}


def _strings(message: Message) -> list[str]:
    s = message.string
    return [s] if isinstance(s, str) else list(s)


def _sources(message: Message) -> list[str]:
    return [message.id] if isinstance(message.id, str) else list(message.id)


def test_the_template_holds_every_message_of_the_sources() -> None:
    """What ``make messages`` extracts today is what messages.pot holds."""
    method_map = [
        ("mailflow/**.py", "python"),
        ("mailflow/templates/**.mjml", "jinja2"),
        ("mailflow/templates/**.txt", "jinja2"),
        ("mailflow/web/templates/**.html", "jinja2"),
    ]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = {
        msg if isinstance(msg, str) else msg[0]
        for _, _, msg, *_ in extract_from_dir(ROOT, method_map, keywords=keywords)
        if msg
    }
    assert found == _ids(_pot()), "run `make messages` and translate what it adds"


def test_every_catalog_has_the_locales_plural_forms() -> None:
    for lang in TRANSLATED:
        po = _po(lang)
        assert po.num_plurals == get_plural(lang).num_plurals, lang


def test_ngettext_picks_the_form_by_the_languages_rule() -> None:
    """English: one and other; French: 0 and 1 are singular; Polish: 1 partner,
    2–4 (and 22–24, …) partnerzy, 5–21 partnerów."""
    msg = ("%(num)s partner owes feedback", "%(num)s partners owe feedback")
    assert [i18n.ngettext("en", *msg, n) for n in (0, 1, 2)] == [
        "0 partners owe feedback",
        "1 partner owes feedback",
        "2 partners owe feedback",
    ]
    rules = {"fr": [0, 0, 2, 2, 2, 2, 2, 2], "pl": [2, 0, 1, 1, 2, 2, 1, 2]}
    for lang, forms in rules.items():
        if lang in TRANSLATED:
            rule = i18n.catalog(lang).plural
            assert [rule(n) for n in (0, 1, 2, 4, 5, 12, 22, 25)] == forms, lang


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang: str) -> None:
    po, allowed = _po(lang), SAME_AS_ENGLISH.get(lang, {})
    assert _ids(_pot()) - _ids(po) == set(), "messages missing from the catalog"
    problems = []
    for m in po:
        if not m.id:
            continue
        strings = _strings(m)
        forms = 1 if isinstance(m.id, str) else po.num_plurals
        if m.fuzzy:
            problems.append(f"fuzzy: {m.id!r}")
        elif len(strings) != forms or not all(s.strip() for s in strings):
            problems.append(f"empty: {m.id!r}")
        elif _key(m) not in allowed and any(s == src for s in strings for src in _sources(m)):
            problems.append(f"still English: {m.id!r}")
    assert problems == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_translation_keeps_the_placeholders(lang: str) -> None:
    problems = []
    for m in _po(lang):
        if not m.id:
            continue
        wanted = sorted(set(_PLACEHOLDER.findall(_sources(m)[-1])))
        for s in _strings(m):
            if sorted(set(_PLACEHOLDER.findall(s))) != wanted:
                problems.append(f"{m.id!r}: {s!r}")
    assert problems == []


def test_the_allowlist_names_only_messages_that_exist() -> None:
    ids = _ids(_pot())
    for lang, allowed in SAME_AS_ENGLISH.items():
        assert lang in TRANSLATED
        assert set(allowed) <= ids, lang
