"""Why a partner declines a lead, or why a deal was lost, in the partner's own words.

The reason is the words that say why: never the command itself, a sign-off, or a
remainder that says nothing ("Lost it."). In this order:

1. a clause that states a reason (territory, capacity, trade, price …), the decisive
   sentence's first, from its causal connector on ("… because our team is at capacity"
   → "our team is at capacity");
2. what follows the decisive words in their sentence, up to another command;
3. for a lost deal, the decisive words' own clause when they tell what happened ("The
   customer went with a cheaper competitor, so we lost this one");
4. the next sentence, when it is short and neither a sign-off nor a command of its own.
"""

from __future__ import annotations

from mailflow.inbound.parse.understand.reading import Reading, Signal
from mailflow.inbound.parse.understand.text import Sentence, clause_span, fold, tokenize

_CAUSE_WORDS = (
    "because since as due weil da denn zumal car puisque parce porque pues perche poiche"
    " siccome omdat want aangezien bo poniewaz gdyz"
)
_CAUSES = frozenset(_CAUSE_WORDS.split())
_CAUSE_TAIL = frozenset({"que", "che", "to", "of"})  # "parce que", "ya que", "due to"
# words a reason never starts with: connectors, thanks, regret, "and", "but"
_LEAD_WORDS = (
    "thanks thank you danke merci gracias grazie bedankt dank dziekuje sorry leider"
    " unfortunately sadly helaas malheureusement desolee desole lamentablemente purtroppo"
    " niestety also and und et y e en i but aber mais pero ma maar ale so ya"
)
_LEAD = _CAUSES | frozenset(_LEAD_WORDS.split())
# a remainder of nothing but these says nothing ("on this one", "ihn", "celui-ci")
_EMPTY_WORDS = (
    "it this that one ones on them him her us for to now here there das es ihn sie den die der"
    " dieses diesen hier jetzt le la les ce cela ca celui ci lo esto eso este ahora questo"
    " quello ora dit dat deze het hem nu ten ta tego tej go teraz"
)
_EMPTY = frozenset(_EMPTY_WORDS.split())
_KINDS_OF_REASON = {"lost", "decline", "reason"}
_NEXT_MAX_TOKENS = 25


def reason_of(signal: Signal, readings: list[Reading], reasons: list[Signal]) -> str | None:
    """The reason for the decline or loss that ``signal`` decided, or None."""
    stated = [signal] if signal.kind == "reason" else list(reasons)
    stated.sort(key=lambda r: (r.sentence is not signal.sentence, r.sentence.index, r.first))
    for found in stated:
        text = _clean(_from_cause(found))
        if text:
            return text
    signals = [s for reading in readings for s in reading.signals]
    after = _after(signal, signals)
    if after:
        return after
    if signal.kind == "lost" and signal.end - signal.first >= 3:
        start, end = clause_span(signal.sentence, signal.first)
        return _clean(signal.sentence.text[start:end]) or None
    return _next_sentence(signal.sentence, readings)


def _from_cause(found: Signal) -> str:
    """The clause of a stated reason, from its causal connector on when it has one."""
    sentence = found.sentence
    start, end = clause_span(sentence, found.first)
    tokens = sentence.tokens
    for index in range(found.first - 1, -1, -1):
        token = tokens[index]
        if token.start < start:
            break
        if token.word in _CAUSES:
            following = index + 1
            while following < found.first and tokens[following].word in _CAUSE_TAIL:
                following += 1
            start = tokens[following].start
            break
    return sentence.text[start:end]


def _after(signal: Signal, signals: list[Signal]) -> str:
    """The words after the decisive ones, up to the clause of a bare command word in the
    same sentence ("…, so we lost this one"); empty when they say nothing. Longer phrases
    after it stay: they tell what happened ("Lost: customer chose a competitor")."""
    sentence = signal.sentence
    end = len(sentence.text)
    for other in signals:
        bare = other.end - other.first == 1 and other.kind != "reason"
        if other.sentence is sentence and other.first >= signal.end and bare:
            end = min(end, clause_span(sentence, other.first)[0])
    start = sentence.tokens[signal.end - 1].end if signal.end > 0 else 0
    text = _clean(sentence.text[start:end]) if start < end else ""
    words = [fold(t.word) for t in tokenize(text)]
    return text if any(w not in _EMPTY for w in words) else ""


def _next_sentence(sentence: Sentence, readings: list[Reading]) -> str | None:
    reading = next((r for r in readings if r.sentence.index == sentence.index + 1), None)
    if reading is None:
        return None
    told = {s.kind for s in reading.signals}
    too_long = len(reading.sentence.tokens) > _NEXT_MAX_TOKENS
    if reading.closing or reading.muted or too_long or told - _KINDS_OF_REASON:
        return None
    return _clean(reading.sentence.text) or None


def _clean(text: str) -> str:
    """Without leading connectors, regret and thanks, edge punctuation, or a bracket left
    open by the cut ("— weil wir …", "trop loin (150 km)")."""
    text = _trim(text)
    for _ in range(4):
        tokens = tokenize(text)
        if not tokens or fold(tokens[0].word) not in _LEAD:
            break
        text = _trim(text[tokens[0].end :])
    return text[:500]


def _trim(text: str) -> str:
    for _ in range(3):
        text = text.strip(_EDGE).rstrip("(").lstrip(")")
        if text.startswith("(") and text.count("(") > text.count(")"):
            text = text[1:]
        if text.endswith(")") and text.count(")") > text.count("("):
            text = text[:-1]
    return text.strip(_EDGE)


_EDGE = " \t.,;:!-–—"
