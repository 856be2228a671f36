"""One lexicon per language: the phrases of each action and stage, and of what changes their
meaning (negators, conditionals, questions, hedges, plans, customers as the subject).

The phrases are plain data in ``lexicon/<code>.py`` (see ``phrases.py`` for the syntax),
compiled once into one index per language when this package is first imported.
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from mailflow.inbound.parse.understand.phrases import Phrase, PhraseIndex, parse_phrase
from mailflow.inbound.parse.understand.text import fold

LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pl")

# What a phrase of each intent alone makes us believe (a line "phrase =0.7" overrides it).
ACTIONS = {
    "pick": 0.9,
    "decline": 0.95,
    "reason": 0.8,  # a reason to decline, told without the word (territory, capacity, trade)
    "contacted": 0.9,
    "attempt": 0.85,  # a message left, a call tried: reported as contacted
    "meeting": 0.9,
    "proposal": 0.9,
    "won": 0.92,
    "lost": 0.92,
}
MODIFIERS = (
    "negator",  # not, nicht, ne/pas, no, non, niet, nie
    "mask",  # negative words that say yes: "no problem", "kein Problem"
    "rival",  # another installer, the competition: their order is our lost deal
    "void",  # "in a meeting", "lost his number": the stage words inside say nothing
    "customer",  # the customer as the subject: their "no" is a lost deal, not a decline
    "temporal",  # once, sobald, appena: what follows it is still to come, not what came before
    "conditional",  # if, should they, falls, si, se, als, jeśli: nothing said for sure
    "question",  # question openers at the start of a sentence
    "hedge",  # maybe, probably, vielleicht: said, but not for sure
    "future",  # will, tomorrow, folgt: a plan, not a stage reached
    "past",  # yesterday, already: overrules a plan word in the same clause
    "purpose",  # to arrange, pour fixer, wegen: a meeting sought, not arranged
    "waiting",  # waiting for, attend, wartet auf: no stage reached, a meeting included
    "agenda",  # next steps:, to do:, nächste Schritte: at a sentence's start: all of it a plan
    "pending",  # still to be booked, noch zu vereinbaren, à planifier, later: a to-do, not a stage
    "regret",  # unfortunately, leider: makes a reason read as a decline
    "closing",  # regards, Grüße: never a reason
    "opener",  # hi, ok, thanks: may stand before a one-word answer
    "greeting",  # hi, hola, ciao: the word right after it, before a comma, is a name
    "affirm",  # yes, ja, oui: a pick phrase opening with it may only answer a question
    "request",  # please, bitte, contacte (usted): a step asked for, not one reported
    "away",  # out of the office, respuesta automática: an auto-reply never acts
    "mixup",  # wrong lead, falscher Lead, hay un error: the reply is about a mix-up, never acts
    "unrelated",  # apart from the leads, per il resto vi aggiorno: the lead's news comes later
    "consequence",  # so, donc, więc: what follows has a subject of its own (us, not the customer)
    "weekday",  # Monday, lundi, poniedziałek: right after a pick, the day it will be done
    "someday",  # in future, künftig: "glad to take smaller jobs in future" takes none now
    "yet",  # yet, noch, encore: "not won yet" is no lost deal, only one not decided
    "earlier",  # from, initial, instead of: the figure after it is not the deal's final one
    "final",  # to, auf, à, na: the figure right after it is where a price ended up
    "several",  # the other lead, two leads, Sammelstatus: the reply speaks of more than one
    "this",  # as for this one, zu diesem hier, pour celui-ci: this lead among others
    "aside",  # about your other question, sobre lo otro: what follows is not about this lead
    "lead",  # this lead, diesen Lead, deze lead: taken by whoever is the subject, it is a pick
    "ours",  # our quote, notre devis, nasza oferta: the figure right after it is our price
)


@dataclass(frozen=True)
class Lexicon:
    code: str
    index: PhraseIndex
    stopwords: frozenset[str]
    negation_after: int  # tokens after a verb where its negator may stand (de, nl: verb first)
    # what a bare sign means in this language's replies: {"$": "CAD"} (French "$" is
    # Quebec's); "kr" comes from the contact's country instead
    signs: Mapping[str, str]


def build(
    code: str,
    phrases: dict[str, str],
    stopwords: str,
    negation_after: int = 0,
    signs: Mapping[str, str] | None = None,
) -> Lexicon:
    compiled: list[Phrase] = []
    for intent, block in phrases.items():
        if intent not in ACTIONS and intent not in MODIFIERS:
            raise ValueError(f"{code}: unknown intent {intent!r}")
        for line in _lines(block):
            text, _, weight = line.partition(" =")
            if text:
                phrase = parse_phrase(intent, text, float(weight or ACTIONS.get(intent, 1)))
                _check_alternation(code, phrase)
                _check_words(code, phrase)
                compiled.append(phrase)
    return Lexicon(
        code,
        PhraseIndex(compiled),
        frozenset(fold(stopwords).split()),
        negation_after,
        dict(signs or {}),
    )


def _check_alternation(code: str, phrase: Phrase) -> None:
    """Alternation binds one word: "mañana|pasado mañana" reads "(mañana|pasado) mañana" and
    never finds "mañana" alone. A word offered as an alternative and then repeated (or
    ending the alternative, as in "stavolta|questa volta") is refused: two lines say it."""
    specs = [spec for spec in phrase.specs if not spec.gap]
    for before, one in itertools.pairwise(specs):
        # "l abbiamo|l ho": the second "l" starts a reading of its own
        if len(before.words) == 1 and len(one.words) >= 2 and before.words <= one.words:
            raise ValueError(
                f"{code}: {phrase.text!r}: alternation binds one word; write each reading on"
                " a line of its own"
            )
    for one, after in itertools.pairwise(specs):
        if len(one.words) < 2 or len(after.words) != 1 or after.prefixes or after.optional:
            continue
        (word,) = after.words
        if any(alt == word or (len(word) > 3 and alt.endswith(word)) for alt in one.words):
            raise ValueError(
                f"{code}: {phrase.text!r}: alternation binds one word; write each reading on"
                " a line of its own"
            )


def _check_words(code: str, phrase: Phrase) -> None:
    """The text splits "rendez-vous" and "l'autre" into two words: a phrase word spelled
    with a hyphen or an apostrophe would never be found."""
    for spec in phrase.specs:
        for word in (*spec.words, *spec.prefixes):
            if "-" in word or "'" in word or "’" in word:
                raise ValueError(
                    f"{code}: {phrase.text!r}: {word!r} is two words in a reply; write them"
                    " with a space"
                )


def _lines(block: str) -> list[str]:
    """The phrases of a block; a line ending in "|" goes on in the next one."""
    lines: list[str] = []
    pending = ""
    for raw in block.strip().splitlines():
        line = pending + raw.strip()
        pending = line if line.endswith("|") else ""
        if line and not pending:
            lines.append(line)
    return lines


def _load() -> dict[str, Lexicon]:
    loaded: dict[str, Lexicon] = {}
    for code in LANGUAGES:
        module = importlib.import_module(f"mailflow.inbound.parse.understand.lexicon.{code}")
        lexicon: Lexicon = module.LEXICON
        loaded[code] = lexicon
    return loaded


LEXICONS = _load()
