"""The signals of all sentences → one command (or none), how sure, and the other readings.

Among progress reports the furthest stage wins (the rest is a note); a pick and a decline
(or a reason to decline: "Ja, dat is te ver") in one reply are a contradiction and never
act; a reason to decline (territory, capacity, trade) without the word is a decline when
it stands early or with regret, and never acts when the reply also speaks of a step it
did not report ("I'll call them Monday", "can we do it in May?": the partner may still
want the lead). A won or proposal report takes its amount as ``figure`` finds it, a lost
one our own price; an unsure amount is asked about. A reply about two leads acts only on
what it says of this one, and is asked about when it does not point at this one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mailflow.inbound.parse.understand.figure import Figure, figure_of, lost_figure
from mailflow.inbound.parse.understand.reading import STAGES, Reading, Signal
from mailflow.inbound.parse.understand.reason import reason_of
from mailflow.rules.command import Command, Stage

CONFLICT = 0.4
WEAK_REASON = 0.7  # a reason to decline weaker than this ("im Urlaub") leaves a pick sure
SURE_PICK = 0.9  # a weaker pick word beside a progress report is the customer's interest
_RANK = {"contacted": 1, "meeting": 2, "proposal": 3, "won": 4, "lost": 4}
_AMOUNT_STAGES = ("won", "proposal")
_STAGE_OF: dict[str, Stage] = {
    "contacted": "contacted",
    "meeting": "meeting",
    "proposal": "proposal",
    "won": "won",
    "lost": "lost",
}
_ENGAGED = frozenset({"pick", "attempt", *STAGES})


@dataclass(frozen=True)
class Decision:
    candidate: Command | None
    confidence: float
    because: str
    alternatives: tuple[Command, ...]
    note: str = ""  # how a rule changed the decisive words' meaning (a code, see Signal)


def decide(readings: list[Reading], early: int, regret: bool, signs: Mapping[str, str]) -> Decision:
    readings, mixed = _this_lead(readings)
    signals = [s for reading in readings for s in reading.signals]
    picks = _of(signals, "pick")
    declines = _of(signals, "decline")
    reasons = _of(signals, "reason")
    stages = [s for s in signals if s.kind in STAGES]
    stage = _furthest(stages)
    if stage is not None and all(p.note == "affirm" for p in picks):
        picks = []  # "yes - emailed him on Monday": the yes answers a question, the report acts
    options: list[tuple[Signal, float]] = []
    if picks and declines:
        options = [(_best(picks), CONFLICT), (_best(declines), CONFLICT)]
    elif picks and reasons and _best(reasons).weight >= WEAK_REASON:
        # "Ja, dat is te ver": a yes beside a reason to decline; a weak one ("Herr Brandt
        # ist im Urlaub, … dass wir den Lead sehr gerne übernehmen") is no contradiction
        options = [(_best(picks), CONFLICT), (_best(reasons), CONFLICT)]
    elif picks and stage is not None and _best(picks).weight < SURE_PICK:
        # "Hablé con la doctora, muy interesada": only a picked lead has progress to report,
        # so a weak pick word beside a report is the customer's interest; the report leads
        options = [(stage, stage.weight), (_best(picks), CONFLICT)]
    elif picks:
        # "sí que lo queremos, asignádnoslo": a pick of its own words leads, not the bare yes
        lead = max(picks, key=lambda s: (s.weight, s.note != "affirm"))
        options = [(lead, lead.weight)]
    elif declines and stage is not None and stage.kind == "lost":
        options = [(stage, stage.weight)]
    elif declines and stage is not None:
        options = [(_best(declines), CONFLICT), (stage, CONFLICT)]
    elif declines:
        options = [(_best(declines), _best(declines).weight)]
    elif stage is not None:
        rivals = [s for s in stages if _RANK[s.kind] == _RANK[stage.kind] and s.kind != stage.kind]
        sure = CONFLICT if rivals else stage.weight
        options = [(stage, sure)] + [(rival, CONFLICT) for rival in rivals]
    elif reasons:
        first = min(reasons, key=lambda s: s.sentence.index)
        sure = first.weight if regret or first.sentence.index <= early else first.weight * 0.75
        if _engaged(readings):
            sure = min(sure, CONFLICT)
        options = [(first, sure)]
    if not options:
        return Decision(None, 0.0, "", ())
    lead, confidence = options[0]
    if lead.note == "affirm" and any(reading.past for reading in readings):
        confidence = min(confidence, CONFLICT)  # "sì, l'ho sentito ieri": a yes to a question
    if mixed or any(reading.never_acts for reading in readings):
        confidence = min(confidence, CONFLICT)  # an auto-reply (or one quoted), a mix-up: ask
    if not _figure(lead, readings, signs).sure:
        confidence = min(confidence, CONFLICT)  # two figures, or money it cannot place: ask
    command = _command(lead, readings, reasons, signs)
    others = [_command(s, readings, reasons, signs) for s, _ in options[1:]]
    others += [_command(s, readings, reasons, signs) for s in signals if s is not lead]
    seen = {(command.action, command.stage)}
    alternatives: list[Command] = []
    for other in others:
        if (other.action, other.stage) not in seen:
            seen.add((other.action, other.stage))
            alternatives.append(other)
    return Decision(
        command,
        round(min(confidence, 1.0), 2),
        _because(lead),
        tuple(alternatives[:3]),
        lead.note,
    )


def _this_lead(readings: list[Reading]) -> tuple[list[Reading], bool]:
    """A reply about two leads ("Two updates: - Hollis (the other lead): quote went out
    - As for this one: got hold of them"): only what it says from its "this one" to the end
    of that line counts (its money included), the rest is about another lead. ``True`` when the
    reply must be asked about: it speaks of another lead without pointing at this one, or
    points at this one ("Sobre este: ya hablé con él") and reports something there and
    elsewhere without a word of another lead."""
    several = any(reading.several for reading in readings)
    this = next((reading for reading in readings if reading.this_lead), None)
    if this is None:
        return readings, several and any(reading.signals for reading in readings)
    line = this.sentence.line
    scope = {this.sentence.index}
    for reading in readings[readings.index(this) + 1 :]:
        if reading.sentence.line != line or reading.several:
            break
        scope.add(reading.sentence.index)
    if not several:
        told = any(r.signals for r in readings if r.sentence.index in scope)
        elsewhere = any(r.signals for r in readings if r.sentence.index not in scope)
        return readings, told and elsewhere
    return [r for r in readings if r.sentence.index in scope or r.closing], False


def _engaged(readings: list[Reading]) -> bool:
    held = any(kind in _ENGAGED for reading in readings for kind in reading.held)
    return held or any(reading.plans for reading in readings)


def _of(signals: list[Signal], kind: str) -> list[Signal]:
    return [s for s in signals if s.kind == kind]


def _best(signals: list[Signal]) -> Signal:
    return max(signals, key=lambda s: s.weight)


def _furthest(stages: list[Signal]) -> Signal | None:
    if not stages:
        return None
    return max(stages, key=lambda s: (_RANK[s.kind], s.weight, s.kind == "won"))


def _because(signal: Signal) -> str:
    """The decisive words as written; how a rule read them is the decision's ``note``."""
    return signal.words[:200]


def _command(
    signal: Signal, readings: list[Reading], reasons: list[Signal], signs: Mapping[str, str]
) -> Command:
    kind = signal.kind
    if kind == "pick":
        return Command("pick")
    if kind in ("decline", "reason"):
        return Command("decline", reason=reason_of(signal, readings, reasons))
    stage = _STAGE_OF[kind]
    figure = _figure(signal, readings, signs)
    reason = reason_of(signal, readings, reasons) if kind == "lost" else None
    if figure.amount is not None:
        return Command("feedback", stage, figure.amount[0], figure.amount[1], reason)
    return Command("feedback", stage, reason=reason)


def _figure(signal: Signal, readings: list[Reading], signs: Mapping[str, str]) -> Figure:
    """The amount of a won or proposal report: "We closed it! PO came through for USD
    23,000" takes it from another sentence of the same kind; a lost deal's is our price."""
    if signal.kind == "lost":
        return lost_figure(readings, signs)
    if signal.kind not in _AMOUNT_STAGES:
        return Figure(None, True)
    same = [s for r in readings for s in r.signals if s.kind == signal.kind and s is not signal]
    figures = [figure_of(s, readings, signs) for s in (signal, *same)]
    return next((f for f in figures if f.amount is not None), figures[0])
