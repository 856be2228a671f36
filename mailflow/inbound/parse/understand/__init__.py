"""What a partner's reply says, in English, German, French, Spanish, Italian, Dutch or
Polish: pick, decline (with its reason) or a progress report (stage, amount, reason).

``understand(text, language_hint)`` reads the reply's own text sentence by sentence
(``text``), finds the phrases of each language's lexicon (``lexicon/``), applies the rules
of negation, conditionals, questions, plans and the customer as the subject (``reading``)
and combines what the sentences say (``decide``). It returns an :class:`Interpretation`
whose ``command`` is set only when it is sure enough to act (``THRESHOLD``); below that,
``candidate`` and ``alternatives`` keep what it might mean, so the partner can be asked.
Pure: no I/O at call time, never raises.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from mailflow.inbound.parse.understand.amounts import parse_amount
from mailflow.inbound.parse.understand.decide import CONFLICT, decide
from mailflow.inbound.parse.understand.language import guess
from mailflow.inbound.parse.understand.lexicon import LANGUAGES, LEXICONS, Lexicon
from mailflow.inbound.parse.understand.reading import Reading, read
from mailflow.inbound.parse.understand.text import Sentence, sentences
from mailflow.rules.command import Command

__all__ = ["LANGUAGES", "THRESHOLD", "Interpretation", "parse_amount", "understand"]

THRESHOLD = 0.7  # at or above: act; below: ask the partner
_OPENING_WORDS = 4  # sentences this short before an answer ("Hi Tom,") leave it the first
_LAST_WORDS = 2  # a last sentence this short may be a no ("Pass.", "Paso.")
_SHORT_REPLY = 6  # tokens: a reply this short may be tried in the other languages


@dataclass(frozen=True)
class Interpretation:
    command: Command | None  # only when sure enough to act
    candidate: Command | None  # the best reading, sure or not
    confidence: float  # 0..1, of the candidate
    language: str
    because: str  # the words that decided it, as written
    alternatives: tuple[Command, ...] = ()  # other readings, for a "did you mean" question
    note: str = ""  # how a rule read the words: negated | affirm | rival | customer | relayed

    @property
    def asks_back(self) -> bool:
        return self.command is None and self.candidate is not None


def understand(
    text: str, language_hint: str | None = None, *, relayed: bool = False, inline: bool = False
) -> Interpretation:
    """``relayed``: the text is what was kept of someone else's message the reply opens with
    (``extract.relayed``): whatever it says is asked about, never acted on. ``inline``: the
    text is what the partner typed between the quoted questions of our mail
    (``extract.answers_inline``): a bare yes or no there answers a question, it is no pick
    or decline."""
    try:
        result = _understand(text or "", language_hint, inline)
    except Exception:  # never take the inbound pipeline down; a note is the safe reading
        return Interpretation(None, None, 0.0, (language_hint or "en")[:2], "")
    if relayed and result.candidate is not None:
        return _relayed(result, result.candidate)
    return result


def _relayed(result: Interpretation, candidate: Command) -> Interpretation:
    """Someone else's message: asked about, never acted on. Its "we" is most often the
    customer's: their no ("we decline your offer") is a lost deal, their yes a won one; the
    reading as the partner's own words stays among the choices."""
    voiced = {
        "decline": Command("feedback", "lost", reason=candidate.reason),
        "pick": Command("feedback", "won"),
    }.get(candidate.action)
    choices = [c for c in (voiced, candidate, *result.alternatives) if c is not None]
    unique = list(dict.fromkeys(choices))
    return dataclasses.replace(
        result,
        command=None,
        candidate=unique[0],
        alternatives=tuple(unique[1:4]),
        confidence=min(result.confidence, CONFLICT),
        note="relayed",
    )


def _understand(text: str, hint: str | None, inline: bool = False) -> Interpretation:
    if inline:  # each answer is a line of its own, punctuated or not
        text = text.replace("\n", "\n\n")
    found = sentences(text)
    words = [t.word for s in found for t in s.tokens]
    language, evidence, tied = guess(text, words, hint)
    tried = [language, *tied, *([hint[:2]] if hint and hint[:2] in LEXICONS else [])]
    if len(words) <= _SHORT_REPLY and evidence == 0:
        tried += [code for code in ((hint or "")[:2], "en", *LANGUAGES) if code in LEXICONS]
    for code in dict.fromkeys(tried):
        result = _in_language(found, code, hint, inline)
        if result.candidate is not None:
            return result
    return Interpretation(None, None, 0.0, language, "")


def _in_language(
    found: list[Sentence], code: str, hint: str | None, inline: bool = False
) -> Interpretation:
    lexicon = LEXICONS[code]
    readings: list[Reading] = []
    opening = True
    regret = False
    last = len(found) - 1
    for sentence in found:
        reading = read(sentence, lexicon, opening)
        if not opening and sentence.index == last and len(sentence.tokens) <= _LAST_WORDS:
            reading = _closing_no(reading, lexicon)
        if inline:
            reading = _answers(reading)
        readings.append(reading)
        regret = regret or reading.regret
        opening = opening and len(sentence.tokens) <= _OPENING_WORDS
    early = (
        next(
            (
                r.sentence.index
                for r in readings
                if not r.closing and len(r.sentence.tokens) > _OPENING_WORDS
            ),
            0,
        )
        + 1
    )
    decision = decide(readings, early, regret, {**lexicon.signs, **_signs_of(hint)})
    command = decision.candidate if decision.confidence >= THRESHOLD else None
    return Interpretation(
        command,
        decision.candidate,
        decision.confidence,
        code,
        decision.because,
        decision.alternatives,
        decision.note,
    )


def _answers(reading: Reading) -> Reading:
    """ "> Kontaktiert?\nJa, kurz telefoniert.\n> Angebot?\nNein": the yes and the no answer
    the quoted questions; only what the answers report counts."""
    kept = tuple(
        s
        for s in reading.signals
        if not (s.kind in ("pick", "decline") and (s.note == "affirm" or s.end - s.first == 1))
    )
    return dataclasses.replace(reading, signals=kept)


def _closing_no(reading: Reading, lexicon: Lexicon) -> Reading:
    """A one-word no closing the reply counts as one opening it ("…, so it'd be a conflict
    for us. Pass."); a closing "Ja" may be someone's initials or a stray word: only a
    decline is read so."""
    answered = read(reading.sentence, lexicon, True)
    extra = tuple(s for s in answered.signals if s.kind == "decline" and s not in reading.signals)
    return dataclasses.replace(reading, signals=reading.signals + extra)


def _signs_of(hint: str | None) -> dict[str, str]:
    """What "kr" means for a contact whose language (or country) is ``hint``."""
    kr = {"sv": "SEK", "se": "SEK", "da": "DKK", "dk": "DKK", "nb": "NOK", "no": "NOK"}.get(
        (hint or "")[:2].lower()
    )
    return {"kr": kr} if kr else {}
