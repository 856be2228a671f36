"""Which of our languages a reply is in: stopwords counted, a few letters only one of them
uses; a tie goes to the contact's language when the caller knows it, else English."""

from __future__ import annotations

import re

from mailflow.inbound.parse.understand.lexicon import LANGUAGES, LEXICONS

_LETTERS = {
    "pl": "łąęśżźćń",
    "de": "ßäöü",
    "es": "ñ¿¡",
    "fr": "çèêœùû",
    "it": "ìò",
}
_ITALIAN_IS = re.compile(r"(?<!\w)è(?!\w)")  # "è" alone is Italian's "is"; inside a word, French


def guess(text: str, words: list[str], hint: str | None = None) -> tuple[str, int, tuple[str, ...]]:
    """The language, the evidence for it (0: none, the hint or English taken) and the
    languages with as much evidence (read next when the first finds nothing)."""
    scores = {code: 0 for code in LANGUAGES}
    for word in words:
        for code in LANGUAGES:
            if word in LEXICONS[code].stopwords:
                scores[code] += 1
        if "ij" in word:
            scores["nl"] += 1
    lowered = text[:2000].lower()
    for code, letters in _LETTERS.items():
        scores[code] += 2 * sum(lowered.count(letter) for letter in letters)
    alone = len(_ITALIAN_IS.findall(lowered))
    scores["it"] += 2 * alone
    scores["fr"] -= 2 * alone
    best = max(scores.values())
    tied = [code for code in LANGUAGES if scores[code] == best]
    hint = (hint or "").lower()[:2]
    first = hint if hint in tied else "en" if "en" in tied else tied[0]
    return first, best, tuple(code for code in tied if code != first)
