"""Phrases as token patterns, and one index per language that finds them all in one pass.

A phrase is written as words separated by spaces, each word one of::

    take          the word itself (folded: lower case, no accents)
    quot*         a word starting with "quot"
    it|this|them  any of these (each may end in *)
    word?         the word, or nothing
    … @solo       (at the end) only as a one-word answer at the start of the reply
    … @whole      (at the end) as @solo, and nothing but a clause break may follow it
    … @end        (at the end) only where its clause ends ("said yes", not "said yes to a visit")
    … @neg        (at the end) the phrase says "no" itself: a negator before it does not turn it
    ~  ~2         up to 3 (2) words of anything, inside the same clause
    #             a number

Matching never leaves the clause it started in and each gap is bounded, so the work per
sentence is its tokens times the phrases starting at each of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from mailflow.inbound.parse.understand.text import Token, fold

_GAP = 3


@dataclass(frozen=True)
class Spec:
    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    number: bool = False
    optional: bool = False
    gap: int = 0  # > 0: skip up to this many tokens

    def accepts(self, word: str) -> bool:
        if self.number:
            return word[:1].isdigit()
        return word in self.words or any(word.startswith(p) for p in self.prefixes)


@dataclass(frozen=True)
class Phrase:
    intent: str
    text: str  # as written in the lexicon
    specs: tuple[Spec, ...]
    weight: float  # how sure this phrase alone makes us (0..1)
    solo: bool = False  # counts only standing alone at the start of the reply
    negative: bool = False  # says "no" itself ("no longer interested"): no negator turns it
    whole: bool = False  # solo, and its sentence says nothing else ("Binnen!", "Chiuso!")
    ends: bool = False  # counts only at the end of its clause


def parse_phrase(intent: str, text: str, weight: float) -> Phrase:
    whole = text.endswith(" @whole")
    solo = whole or text.endswith(" @solo")
    negative = text.endswith(" @neg")
    ends = text.endswith(" @end")
    body = text.removesuffix(" @solo").removesuffix(" @neg").removesuffix(" @whole")
    body = body.removesuffix(" @end")
    specs: list[Spec] = []
    for raw in body.split():
        if raw == "#":
            specs.append(Spec(number=True))
        elif raw.startswith("~"):
            specs.append(Spec(gap=int(raw[1:] or _GAP)))
        else:
            optional = raw.endswith("?") and len(raw) > 1
            alternatives = fold(raw.removesuffix("?")).split("|")
            words = frozenset(a for a in alternatives if not a.endswith("*"))
            prefixes = tuple(a[:-1] for a in alternatives if a.endswith("*"))
            specs.append(Spec(words, prefixes, optional=optional))
    if not specs or specs[0].gap or specs[0].optional:
        raise ValueError(f"a phrase starts with a word: {text!r}")
    return Phrase(intent, body, tuple(specs), weight, solo, negative, whole, ends)


@dataclass(frozen=True)
class Hit:
    phrase: Phrase
    first: int  # token index of the first word
    end: int  # token index after the last word

    @property
    def intent(self) -> str:
        return self.phrase.intent


class PhraseIndex:
    """Every phrase of a lexicon, found by its first word (exact, or by prefix)."""

    def __init__(self, phrases: list[Phrase]) -> None:
        self._exact: dict[str, list[Phrase]] = defaultdict(list)
        self._prefix: dict[str, list[Phrase]] = defaultdict(list)
        self._longest_prefix = 1
        for phrase in phrases:
            head = phrase.specs[0]
            for word in head.words:
                self._exact[word].append(phrase)
            for prefix in head.prefixes:
                self._prefix[prefix].append(phrase)
                self._longest_prefix = max(self._longest_prefix, len(prefix))

    def find(self, tokens: tuple[Token, ...], clause_of: tuple[int, ...]) -> list[Hit]:
        """All hits, longest first at each start; a hit never crosses a clause boundary."""
        hits: list[Hit] = []
        words = [token.word for token in tokens]
        for start, word in enumerate(words):
            candidates = list(self._exact.get(word, ()))
            for length in range(1, min(len(word), self._longest_prefix) + 1):
                candidates.extend(self._prefix.get(word[:length], ()))
            for phrase in candidates:
                end = _match(phrase.specs, 0, words, start, clause_of)
                if end is not None:
                    hits.append(Hit(phrase, start, end))
        return hits


def _match(
    specs: tuple[Spec, ...], k: int, words: list[str], i: int, clause_of: tuple[int, ...]
) -> int | None:
    if k == len(specs):
        return i
    spec = specs[k]
    in_clause = i < len(words) and (k == 0 or clause_of[i] == clause_of[i - 1])
    if spec.gap:
        best: int | None = None
        for skip in range(spec.gap + 1):
            if skip and not (i + skip - 1 < len(words) and _same(clause_of, i - 1, i + skip - 1)):
                break
            end = _match(specs, k + 1, words, i + skip, clause_of)
            if end is not None and (best is None or end > best):
                best = end
        return best
    best = None
    if in_clause and spec.accepts(words[i]):
        best = _match(specs, k + 1, words, i + 1, clause_of)
    if spec.optional:
        skipped = _match(specs, k + 1, words, i, clause_of)
        if skipped is not None and (best is None or skipped > best):
            best = skipped
    return best


def _same(clause_of: tuple[int, ...], a: int, b: int) -> bool:
    return a < 0 or clause_of[a] == clause_of[b]
