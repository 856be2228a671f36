"""One sentence → the signals it gives: which action or stage, how sure, and the words.

The rules, in order: a question or a conditional sentence says nothing for sure (no
signal); a negator shortly before a phrase (or after it, in languages that put the verb
first) turns it around or off; the customer as the subject turns "accepted"/"declined"
into won/lost; a plan ("will", "tomorrow", "folgt") is no stage reached (a meeting
arranged is; one still "to be booked", "à planifier", made "later" is not, nor a quote or
an order still to come); a hedge ("maybe") keeps the signal but lowers its weight. A rival
("another installer", "la competencia") near a won or pick word turns it into a lost deal:
sure only with the customer as the subject. A phrase inside a "void" phrase ("in a
meeting", "lost his number", "sold out", "è interessato") says nothing; a void negated
("non è interessato") is the customer's no. A loss said by negating a win ("didn't get the
job") is none with "yet" in its clause; a weak loss phrase ("went with") counts only said
of the customer. What a rule silenced is kept as ``held``: the reply talks about a step it
does not report, which makes a bare reason too weak to act on.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from mailflow.inbound.parse.understand.lexicon import ACTIONS, Lexicon
from mailflow.inbound.parse.understand.phrases import Hit
from mailflow.inbound.parse.understand.text import CLAUSE_BREAKS, Sentence, Token

NEGATION_BEFORE = 4  # tokens between a negator and the phrase it turns
CUSTOMER_BEFORE = 6
RIVAL_WINDOW = 6
YET_AFTER = 3  # tokens between a negator after a stage's noun and its "yet" ("non è ancora")
PURPOSE = 4  # tokens between "to arrange", "pour fixer", "wegen" and the meeting word
RIVAL_SURE = 0.85
UNSURE = 0.4  # a reading to ask about, never to act on
CUSTOMER_ONLY = 0.7  # a loss phrase weaker than this counts only with the customer as subject
PLAN_WINDOW = 4
HEDGE_FACTOR = 0.6
STAGES = ("contacted", "meeting", "proposal", "won", "lost")
_AMOUNT_MARKS = ("earlier", "final", "ours")
# stages a to-do word beside them ("to be booked", "à planifier", "później") says are not reached
_PENDABLE = ("meeting", "proposal", "won")


@dataclass(frozen=True)
class Signal:
    kind: str  # pick | decline | reason | one of STAGES
    weight: float
    sentence: Sentence
    first: int  # the decisive tokens, negator included
    end: int
    note: str = ""  # how a rule changed the phrase's meaning ("negated", "customer")

    @property
    def words(self) -> str:
        return self.sentence.span(self.first, self.end - 1)


@dataclass(frozen=True)
class Reading:
    sentence: Sentence
    signals: tuple[Signal, ...]
    closing: bool  # a sign-off ("Viele Grüße"): never a reason
    regret: bool = False  # "unfortunately", "leider"
    muted: str = ""  # "question" or "conditional" when the sentence says nothing for sure
    held: tuple[str, ...] = ()  # kinds of phrases a rule silenced (planned, asked, negated)
    plans: bool = False  # a plan word in a clause that says nothing else ("I'll call them")
    # auto-reply words ("out of the office") or a mix-up ("wrong lead", "hay un error"):
    # nothing in the reply acts
    never_acts: bool = False
    past: bool = False  # a word of the past ("yesterday"): the reply reports something
    marks: tuple[Hit, ...] = ()  # words that tell which of several amounts is the final one
    several: bool = False  # words of more than one lead ("the other lead", "Sammelstatus")
    this_lead: bool = False  # words that point at this lead among others ("as for this one")


def clauses(sentence: Sentence) -> tuple[int, ...]:
    return _clause_numbers(sentence.tokens)


def _clause_numbers(tokens: tuple[Token, ...]) -> tuple[int, ...]:
    numbers: list[int] = []
    clause = 0
    for token in tokens:
        if token.breaks and numbers:
            clause += 1
        numbers.append(clause)
    return tuple(numbers)


def read(sentence: Sentence, lexicon: Lexicon, opening: bool) -> Reading:
    clause_of = clauses(sentence)
    asides = _aside_spans(sentence)
    hits = lexicon.index.find(sentence.tokens, clause_of)
    hits += _across_asides(sentence, lexicon, asides)
    by_intent: dict[str, list[Hit]] = {}
    for hit in hits:
        by_intent.setdefault(hit.intent, []).append(hit)
    by_intent["customer"] = [
        h for h in by_intent.get("customer", []) if not _spelled_as_article(h, sentence)
    ]
    masks = by_intent.get("mask", [])
    negators = [
        h
        for h in by_intent.get("negator", [])
        if not _inside_any(h, masks) and not _number_label(h, sentence)
    ]
    closing = any(h.first == 0 for h in by_intent.get("closing", [])) and len(sentence.tokens) <= 6
    never_acts = any(by_intent.get(intent) for intent in ("away", "mixup", "unrelated"))
    past = bool(by_intent.get("past"))
    several, this_lead = bool(by_intent.get("several")), bool(by_intent.get("this"))
    starts = _answer_starts(sentence, by_intent.get("opener", []))
    # a question opens its sentence ("Können Sie …"); after an opener ("Leider müssen wir
    # passen") the same word order is a statement
    voids = [v for v in by_intent.get("void", []) if not _negated_void(v, negators)]
    # "non è interessato": the no of a third person's interest, said of the customer
    denied = [v for v in by_intent.get("void", []) if v not in voids]
    quoted = _quoted(sentence)
    actions = _outermost(
        [
            h
            for h in hits
            if h.intent in ACTIONS
            and not _inside_any(h, voids)
            and not _inside_any(h, by_intent.get("pending", []))  # "más adelante": no "adelante"
            and not any(a <= sentence.tokens[h.first].start < b for a, b in quoted)
        ]
    )
    spoken = tuple(h.intent for h in actions if not h.phrase.solo)
    muted = Reading(
        sentence,
        (),
        closing,
        held=spoken,
        never_acts=never_acts,
        past=past,
        several=several,
        this_lead=this_lead,
    )  # what a question or a condition says: nothing, its phrases held
    if sentence.question or any(
        h.first == 0 and not _inside_any(h, voids) for h in by_intent.get("question", [])
    ):  # "Qué tal, sí la tomamos": a greeting, no question
        return dataclasses.replace(muted, muted="question")
    if any(
        _conditions(h, sentence)
        and not _own_word(h, actions, sentence)
        and not _inside_any(h, voids)
        for h in by_intent.get("conditional", [])
    ):
        return dataclasses.replace(muted, muted="conditional")
    hedges = [h for h in by_intent.get("hedge", []) if not _inside_any(h, voids)]
    signals: list[Signal] = []
    held: list[str] = []
    temporal = [h for h in by_intent.get("temporal", []) if not _inside_any(h, voids)]
    later = _later(sentence, clause_of, temporal)
    if any(h.first in starts for h in by_intent.get("agenda", [])):
        later = 0  # "Next steps: survey, then the quote": a list of what is still to come
    words = sentence.words()
    # "la propuesta por S/ 36,500 (sin IGV) ya está en manos del gerente": a negator in an
    # aside turns only what is said in that aside
    for hit in actions:
        if hit.phrase.solo and not (opening and _stands_alone(hit, sentence, starts)):
            continue
        if hit.phrase.solo and _addressed(hit, sentence, by_intent.get("greeting", [])):
            continue  # "Hola Vale,": Valentina is greeted, nothing is agreed
        if clause_of[hit.first] >= later:
            held.append(hit.intent)  # "we'll book a survey once she's back": still to come
            continue
        if hit.intent in ("proposal", "won") and any(
            hit.end <= t.first <= hit.end + 1 for t in temporal
        ):
            held.append(hit.intent)  # "on leur fait une offre dès qu'on a les mesures"
            continue
        if any(aside.end <= hit.first for aside in by_intent.get("aside", [])):
            held.append(hit.intent)  # "Sobre lo otro: la formación nos viene bien": not the lead
            continue
        if hit.phrase.ends and not _ends_clause(hit, sentence):
            continue  # "the customer said yes to a visit": the yes is not to the deal
        third = hit.intent in ("pick", "decline") and _inside_any(hit, denied)
        turning = [
            n
            for n in negators
            if _aside_of(n.first, asides) in (None, _aside_of(hit.first, asides))
        ]
        signal = _meaning(hit, sentence, clause_of, by_intent, turning, lexicon, third)
        if signal is None:
            held.append(hit.intent)
        else:
            # a hedge governs its clause and what follows it, not what was said before:
            # "se ha ido con otra empresa, le daban casi 2.000 € menos" is a sure loss
            hedged = any(
                clause_of[h.first] <= clause_of[hit.first] and not _own(h, hit, words)
                for h in hedges
            )
            weight = signal.weight * (HEDGE_FACTOR if hedged else 1.0)
            if signal.kind == "pick" and (
                later <= len(sentence.tokens) or _timed(hit, clause_of, by_intent, words)
            ):
                # "we'd take it once the permit is there", "Machen wir morgen": ask
                weight = min(weight, UNSURE)
            signals.append(
                Signal(signal.kind, weight, sentence, signal.first, signal.end, signal.note)
            )
    regret = bool(by_intent.get("regret"))
    told = {clause_of[s.first] for s in signals}
    someday = by_intent.get("someday", [])
    plans = not closing and any(
        clause_of[h.first] not in told and not _inside_any(h, someday)
        for h in by_intent.get("future", [])
    )  # "Volgende keer graag weer!": another lead some day, no plan for this one
    return Reading(
        sentence,
        tuple(signals),
        closing,
        regret,
        held=tuple(held),
        plans=plans,
        never_acts=never_acts,
        past=past,
        marks=tuple(h for h in hits if h.intent in _AMOUNT_MARKS),
        several=several,
        this_lead=this_lead,
    )


def _meaning(
    hit: Hit,
    sentence: Sentence,
    clause_of: tuple[int, ...],
    by_intent: dict[str, list[Hit]],
    negators: list[Hit],
    lexicon: Lexicon,
    third: bool = False,
) -> Signal | None:
    kind, weight = hit.intent, hit.phrase.weight
    turnable = not hit.phrase.negative and kind != "reason"  # a reason is negative by nature
    words = sentence.words()
    negator = (
        _negator(hit, words, clause_of, negators, lexicon.negation_after, by_intent.get("yet", []))
        if turnable
        else None
    )
    first = min(hit.first, negator.first) if negator else hit.first
    end = max(hit.end, negator.end) if negator else hit.end
    customer = third or _near_before(hit, clause_of, _subjects(hit, by_intent), CUSTOMER_BEFORE)
    if kind == "pick" and _in_clause(hit, clause_of, by_intent, "lead"):
        customer = False  # "Namens Johan: hij wil deze lead graag hebben": a colleague's pick
    if kind == "attempt":
        kind = "contacted"
    if kind in ("pick", "won") and not negator and _rival(hit, clause_of, by_intent):
        # "der Kunde hat einen anderen Installateur beauftragt": someone else got the order
        sure = RIVAL_SURE if customer else UNSURE
        return Signal("lost", min(weight, sure), sentence, first, end, "rival")
    if kind == "lost" and weight < CUSTOMER_ONLY and not customer:
        return None  # "went with …": a loss only when the customer went
    if kind == "lost" and _rival(hit, clause_of, by_intent):
        weight = max(weight, RIVAL_SURE)  # "met een andere partij in zee gegaan"
    if kind == "pick" and _in_clause(hit, clause_of, by_intent, "someday"):
        return None  # "Chętnie przyjmiemy mniejsze zlecenia w przyszłości": not this one
    if kind == "pick" and customer and not negator and weight < 0.9:
        return None  # "the customer is very interested": a note, not a won deal
    if kind == "pick" and customer:  # "the customer accepted (our quote)"
        return Signal(
            "lost" if negator else "won", min(weight, 0.85), sentence, first, end, "customer"
        )
    if kind == "pick":
        affirm = any(a.first == hit.first for a in by_intent.get("affirm", []))
        note = "negated" if negator else "affirm" if affirm else ""
        return Signal("decline" if negator else "pick", weight, sentence, first, end, note)
    if negator:
        return None  # "not signed yet", "kein Termin", "not too far"
    if kind in STAGES and (
        any(
            r.first <= hit.first and not _inside_any(r, by_intent.get("void", []))
            for r in by_intent.get("request", [])
        )
        or _mood(hit, words, lexicon.code)
    ):
        return None  # "please contact … and arrange a visit", "habría que hacer una visita"
    if kind == "decline" and customer:
        return Signal("lost", weight, sentence, first, end, "customer")
    if kind in ("contacted", "proposal", "won", "lost") and _planned(
        hit, words, clause_of, by_intent
    ):
        return None
    if kind == "meeting" and _agreed_that(hit, sentence):
        return None  # "Umówiliśmy się, że zadzwonię": agreed on a call, no meeting
    if kind in ("meeting", "proposal") and _sought(hit, clause_of, by_intent.get("purpose", [])):
        # "ruft zurück wegen eines Termins", "they want two options priced up": sought
        return None
    if kind in STAGES and _near(hit, clause_of, by_intent.get("waiting", [])):
        return None  # "waiting for the signature", "il attend notre visite"
    if kind in _PENDABLE and _near(hit, clause_of, by_intent.get("pending", [])):
        return None  # "survey still to be booked", "Besichtigung noch zu vereinbaren": a to-do
    if kind == "lost" and hit.phrase.negative and _in_clause(hit, clause_of, by_intent, "yet"):
        return None  # "haven't got the order yet": not decided, not lost
    return Signal(kind, weight, sentence, first, end)


def _across_asides(
    sentence: Sentence, lexicon: Lexicon, asides: list[tuple[int, int]]
) -> list[Hit]:
    """ "das Angebot (Steuerung + Türantriebe, Aufzug Baujahr 1994) ist draußen": the words
    around an aside in brackets are read as one clause, as if it were not there; a phrase
    found so spans the aside (the aside is still read on its own, as written)."""
    text, tokens = sentence.text, sentence.tokens
    kept = [i for i in range(len(tokens)) if _aside_of(i, asides) is None]
    if len(kept) == len(tokens) or not kept:
        return []
    joined: list[Token] = []
    for n, i in enumerate(kept):
        token = tokens[i]
        if n and kept[n - 1] != i - 1:  # the first word after an aside
            between = _ASIDE.sub(" ", text[tokens[kept[n - 1]].end : token.start])
            breaks = any(c in CLAUSE_BREAKS for c in between) or " - " in between
            token = Token(token.word, token.start, token.end, breaks)
        joined.append(token)
    found = lexicon.index.find(tuple(joined), _clause_numbers(tuple(joined)))
    spanning = [
        Hit(h.phrase, kept[h.first], kept[h.end - 1] + 1)
        for h in found
        if kept[h.end - 1] - kept[h.first] != h.end - 1 - h.first
    ]
    return spanning


def _aside_spans(sentence: Sentence) -> list[tuple[int, int]]:
    """The token ranges of the asides in brackets."""
    spans = [(m.start(), m.end()) for m in _ASIDE.finditer(sentence.text)]
    ranges: list[tuple[int, int]] = []
    for a, b in spans:
        inside = [i for i, t in enumerate(sentence.tokens) if a <= t.start < b]
        if inside:
            ranges.append((inside[0], inside[-1] + 1))
    return ranges


def _aside_of(index: int, asides: list[tuple[int, int]]) -> int | None:
    return next((n for n, (a, b) in enumerate(asides) if a <= index < b), None)


_ASIDE = re.compile(r"\([^()]{1,200}\)")
_YES_WITH_ACCENT = frozenset({"sí", "sì"})
_THAT = frozenset({"that", "dass", "que", "qu", "che", "dat", "ze"})  # folded: "że" → "ze"
_ARTICLES = frozenset({"el", "El", "EL"})  # "él" without its accent
# negators that stand before the verb they turn: after a phrase, they turn the next verb
# ("le lien pour accepter ne marche pas": the link fails, nobody said no)
_BEFORE_ITS_VERB = frozenset({"ne", "n"})
_NUMBER_SIGN = re.compile(r"[°º]|\.\s?\d|\.\s?[a-z]{1,3}-?\d", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“”„«»][^\"“”„«»]{1,200}[\"“”»«]")
# conditional verb forms, folded: "habría", "bisognerebbe", "aurait", "enviaríamos"
_CONDITIONAL_ENDINGS = {
    "es": ("ria", "rias", "riamos", "riais", "rian"),
    "it": ("rebbe", "rebbero", "remmo", "rei", "resti", "reste"),
    "fr": ("rait", "raient", "rions", "riez"),
}


def _quoted(sentence: Sentence) -> list[tuple[int, int]]:
    """Spans in quotation marks: someone else's words ("er habe „schon unterschrieben“")."""
    return [(m.start(), m.end()) for m in _QUOTED.finditer(sentence.text)]


def _mood(hit: Hit, words: tuple[str, ...], code: str) -> bool:
    """A conditional verb form shortly before the phrase: wished or supposed, not done."""
    endings = _CONDITIONAL_ENDINGS.get(code)
    if not endings:
        return False
    return any(w.endswith(endings) for w in words[max(0, hit.first - PLAN_WINDOW) : hit.first])


def _negated_void(void: Hit, negators: list[Hit]) -> bool:
    """ "n'est plus intéressé", "not interested": the void phrase does not swallow a no."""
    return any(void.first - NEGATION_BEFORE <= n.first < void.end for n in negators)


def _rival(hit: Hit, clause_of: tuple[int, ...], by_intent: dict[str, list[Hit]]) -> bool:
    clause = clause_of[hit.first]
    return any(
        clause_of[o.first] == clause and max(hit.first - o.end, o.first - hit.end) <= RIVAL_WINDOW
        for o in by_intent.get("rival", [])
    )


def _conditions(hit: Hit, sentence: Sentence) -> bool:
    """A condition word opens a clause; "Sí, …" / "Sì." (folded to "si") answers yes."""
    tokens = sentence.tokens
    if hit.end < len(tokens) and tokens[hit.end].word == "que" and not tokens[hit.end].breaks:
        return False  # "sí que lo queremos": the yes said twice, no "if"
    first = tokens[hit.first]
    if sentence.text[first.start : first.end].lower() in _YES_WITH_ACCENT:
        return False  # "sí, la tomamos", "sì, ho parlato": the accent says yes, not "if"
    if hit.end < len(tokens) and tokens[hit.end].word in _THAT:
        return True  # "Weźmiemy, ale pod warunkiem, że …": the condition's own "that"
    return hit.end < len(tokens) and not tokens[hit.end].breaks


def _negator(
    hit: Hit,
    words: tuple[str, ...],
    clause_of: tuple[int, ...],
    negators: list[Hit],
    after: int,
    yets: list[Hit],
) -> Hit | None:
    for negator in negators:
        if _own(negator, hit, words):
            continue
        if _inside(negator, hit):
            return negator  # in the phrase's gap: "Angebot haben wir noch nicht geschickt"
        if clause_of[negator.first] != clause_of[hit.first]:
            continue
        if negator.end <= hit.first and hit.first - negator.end <= NEGATION_BEFORE:
            return negator
        if (
            negator.first >= hit.end
            and negator.first - hit.end < after
            and words[negator.first] not in _BEFORE_ITS_VERB
        ):
            return negator
        if 0 <= negator.first - hit.end <= 1 and any(
            0 < y.first - negator.first <= YET_AFTER and clause_of[y.first] == clause_of[hit.first]
            for y in yets
        ):
            return negator  # "il sopralluogo non è ancora stato fissato": not yet, said after
    return None


def _own(other: Hit, hit: Hit, words: tuple[str, ...]) -> bool:
    """``other`` is a word ``hit`` spells itself ("Ci penso io": its "penso" is no hedge),
    not one standing in its gap ("presupuesto debería estar listo")."""
    return _inside(other, hit) and _spelled(hit, words[other.first])


def _spelled(hit: Hit, word: str) -> bool:
    """The phrase names this word itself ("not interested", "nicht für uns")."""
    return any(spec.accepts(word) for spec in hit.phrase.specs if not spec.gap)


def _later(sentence: Sentence, clause_of: tuple[int, ...], temporal: list[Hit]) -> int:
    """The first clause a "once", "sobald", "appena" puts off; beyond the sentence if none."""
    opened = [clause_of[h.first] for h in temporal if _conditions(h, sentence)]
    return min(opened, default=len(sentence.tokens) + 1)


def _own_word(hit: Hit, actions: list[Hit], sentence: Sentence) -> bool:
    """ "non se ne fa niente": a word a phrase spells inside itself is its own, no condition
    (one opening the phrase, as "si" in "sí, nos …", may still be "if")."""
    words = sentence.words()
    return any(_own(hit, a, words) and a.first < hit.first for a in actions)


def _number_label(negator: Hit, sentence: Sentence) -> bool:
    """ "devis n° 118", "quote No. 4471": the abbreviation of number, not a "no"."""
    after = sentence.text[sentence.tokens[negator.first].end :][:8]
    return _NUMBER_SIGN.match(after) is not None


def _subjects(hit: Hit, by_intent: dict[str, list[Hit]]) -> list[Hit]:
    """The customers that may be the subject of ``hit``: none with "so", "donc", "więc"
    between ("the customer wants it now, so no thanks": our no, the customer's reason)."""
    turns = by_intent.get("consequence", [])
    return [
        c
        for c in by_intent.get("customer", [])
        if not any(c.end <= t.first and t.end <= hit.first for t in turns)
    ]


def _spelled_as_article(hit: Hit, sentence: Sentence) -> bool:
    """ "el follow-up lo hago yo": folded, the article "el" is the pronoun "él"; only the
    accent makes it the customer."""
    token = sentence.tokens[hit.first]
    return hit.end - hit.first == 1 and sentence.text[token.start : token.end] in _ARTICLES


def _near_before(hit: Hit, clause_of: tuple[int, ...], others: list[Hit], window: int) -> bool:
    return any(
        other.end <= hit.first
        and hit.first - other.end <= window
        and clause_of[other.first] == clause_of[hit.first]
        for other in others
    )


def _timed(
    hit: Hit, clause_of: tuple[int, ...], by_intent: dict[str, list[Hit]], words: tuple[str, ...]
) -> bool:
    """A time still to come right after a pick word ("lo haremos mañana", "Machen wir
    morgen"), right before it or inside it ("Ik pak het deze week op"): something will be
    done then, not the lead taken now."""
    return any(
        (
            f.first == hit.end
            or hit.first - 1 <= f.end <= hit.first
            or (hit.first < f.first < hit.end and f.end - f.first > 1 and not _own(f, hit, words))
        )
        and clause_of[f.first] == clause_of[hit.first]
        for f in by_intent.get("future", [])
    ) or any(  # "Je m'en occupe lundi": the day it will be done
        d.first == hit.end and clause_of[d.first] == clause_of[hit.first]
        for d in by_intent.get("weekday", [])
    )


def _agreed_that(hit: Hit, sentence: Sentence) -> bool:
    """A meeting word ending its clause, and the next one opening with "that": what was
    agreed follows ("Wir haben vereinbart, dass ich ihn anrufe")."""
    tokens = sentence.tokens
    after = hit.end + (hit.end < len(tokens) and tokens[hit.end].word in ("sie", "sich"))
    return after < len(tokens) and tokens[after].breaks and tokens[after].word in _THAT


def _sought(hit: Hit, clause_of: tuple[int, ...], purposes: list[Hit]) -> bool:
    """A purpose word shortly before the meeting phrase, or opening it: "to set up an
    appointment" (the phrase "set … appointment" starts inside "to set")."""
    return _near_before(hit, clause_of, purposes, PURPOSE) or any(
        p.first < hit.first < p.end and clause_of[p.first] == clause_of[hit.first] for p in purposes
    )


def _near(hit: Hit, clause_of: tuple[int, ...], others: list[Hit]) -> bool:
    clause = clause_of[hit.first]
    return any(
        clause_of[o.first] == clause and max(hit.first - o.end, o.first - hit.end) <= PLAN_WINDOW
        for o in others
    )


def _planned(
    hit: Hit, words: tuple[str, ...], clause_of: tuple[int, ...], by_intent: dict[str, list[Hit]]
) -> bool:
    """A plan word near the phrase in its clause ("will send the quote", "Angebot folgt"),
    unless a word of the past stands there too ("already")."""
    clause = clause_of[hit.first]

    def near(other: Hit) -> bool:
        gap = max(hit.first - other.end, other.first - hit.end)
        # "gaat niet door": the plan word is the phrase's own ("Angebot nächste Woche raus" not)
        own = _own(other, hit, words)
        return clause_of[other.first] == clause and gap <= PLAN_WINDOW and not own

    planned = any(near(h) for h in by_intent.get("future", []))
    return planned and not any(near(h) for h in by_intent.get("past", []))


def _in_clause(
    hit: Hit, clause_of: tuple[int, ...], by_intent: dict[str, list[Hit]], intent: str
) -> bool:
    return any(clause_of[o.first] == clause_of[hit.first] for o in by_intent.get(intent, []))


def _outermost(hits: list[Hit]) -> list[Hit]:
    """Drop a phrase inside a longer one ("declined" inside "customer declined the quote")."""
    return [
        h for h in hits if not any(o is not h and _inside(h, o) and _longer(o, h) for o in hits)
    ]


def _longer(outer: Hit, inner: Hit) -> bool:
    return (outer.end - outer.first) > (inner.end - inner.first)


def _inside(inner: Hit, outer: Hit) -> bool:
    return outer.first <= inner.first and inner.end <= outer.end


def _inside_any(hit: Hit, others: list[Hit]) -> bool:
    return any(_inside(hit, other) for other in others)


def _answer_starts(sentence: Sentence, openers: list[Hit]) -> frozenset[int]:
    """Where the answer may begin: after greetings and interjections ("Hi Tom, ok, yes")."""
    tokens = sentence.tokens
    starts = {0}
    for _ in range(4):
        grown = set(starts)
        for opener in openers:
            if opener.first in starts:
                grown.add(opener.end)
                name = opener.end + 1  # "Hi Tom, …"
                if name < len(tokens) and tokens[name].breaks:
                    grown.add(name)
        if grown == starts:
            break
        starts = grown
    return frozenset(starts)


def _ends_clause(hit: Hit, sentence: Sentence) -> bool:
    tokens = sentence.tokens
    return hit.end >= len(tokens) or tokens[hit.end].breaks or tokens[hit.end].word[:1].isdigit()


def _addressed(hit: Hit, sentence: Sentence, greetings: list[Hit]) -> bool:
    """The word right after a greeting, with a comma or the line's end after it: a name."""
    tokens = sentence.tokens
    greeted = any(g.end == hit.first and not tokens[hit.first].breaks for g in greetings)
    return greeted and (hit.end >= len(tokens) or tokens[hit.end].breaks)


def _stands_alone(hit: Hit, sentence: Sentence, starts: frozenset[int]) -> bool:
    """A one-word answer ("yes", "nein", "Angebot: 9.000 €") at the start of its sentence,
    followed by nothing, a clause break or a number."""
    if hit.first not in starts:
        return False
    tokens = sentence.tokens
    if hit.end >= len(tokens) or tokens[hit.end].breaks:
        return True
    if hit.phrase.whole:
        return False  # "Binnen 2 weken": the word says something else here
    rest = tokens[hit.end :]
    return len(rest) <= 4 and any(t.word[:1].isdigit() for t in rest)  # "Angebot 9.000 €"
