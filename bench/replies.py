"""Score the interpreter on the labelled reply corpus (tests/fixtures/replies/).

    python -m bench.replies [--heldout | --extra | --heldout2 | --blind2 | --adversarial
                             | --blind3 | --blind4 | --blind5 | --blind6 | --blind7 | --blind8
                             | --blind9 | --blind10 | --blind11 | --blind12 | --blind13
                             | --blind14 | --blind15
                             | --askback] [--show]

prints, per language and overall, the accuracy, per action precision and recall, the share
asked back (a candidate, but below the threshold) and the wrong actions (acted, but not as
labelled: the one figure that must stay 0). A reply runs the production path: the reply's
own text (``extract_reply``) and then ``understand`` (told when the reply opens with someone
else's message, ``relayed``, and when it answers our quoted questions inline, ``inline``).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from mailflow.inbound.parse.extract import answers_inline, extract_reply, relayed
from mailflow.inbound.parse.understand import LANGUAGES, Interpretation, understand
from mailflow.rules.command import Command

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "replies"


@dataclass(frozen=True)
class Case:
    language: str
    number: int
    text: str
    expected: Command | None


SETS = (
    "",
    "heldout",
    "extra",
    "heldout2",
    "blind2",
    "adversarial",
    "blind3",
    "blind4",
    "blind5",
    "blind6",
    "blind7",
    "blind8",
    "blind9",
    "blind10",
    "blind11",
    "blind12",
    "blind13",
    "blind14",
    "blind15",
    "askback",
)  # the corpus, then sets written apart from it; blind2, blind3 and blind4 were scored
# untouched first and their misses then fixed as classes of phrasing: no longer blind;
# blind5 and blind6 are scored as written and never tuned on (no floor in tests);
# askback: the risky cues that must ask or stay a note (to-dos, prices by the piece, numbered
# documents, relayed messages, introduction emails), with the plain cases beside them


def load(language: str, heldout: bool | str = False) -> list[Case]:
    """The cases of one set: ``heldout=True`` is "heldout"; a name picks that set."""
    folder = "heldout" if heldout is True else heldout or ""
    path = CORPUS / folder / f"{language}.txt"
    if not path.is_file():
        return []
    cases: list[Case] = []
    header: str | None = None
    body: list[str] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), "=== end"]:
        if line.startswith("=== "):
            if header is not None:
                cases.append(Case(language, len(cases) + 1, "\n".join(body), _label(header)))
            header, body = line[4:].strip(), []
        else:
            body.append(line)
    return cases


def _label(header: str) -> Command | None:
    words = header.split()
    if words[0] == "none":
        return None
    if words[0] in ("pick", "decline"):
        return Command(words[0])  # type: ignore[arg-type]
    amount = Decimal(words[2]) if len(words) > 2 else None
    currency = words[3] if len(words) > 3 and words[3] != "-" else None
    return Command("feedback", words[1], amount, currency)  # type: ignore[arg-type]


def key(command: Command | None) -> str:
    if command is None:
        return "none"
    return command.stage or command.action


def same(got: Command | None, expected: Command | None) -> bool:
    """Action, stage, amount and currency as labelled (the reason is not labelled)."""
    if got is None or expected is None:
        return got is expected
    return (got.action, got.stage, got.currency) == (
        expected.action,
        expected.stage,
        expected.currency,
    ) and (got.amount == expected.amount)


def run_case(case: Case) -> Interpretation:
    return understand(
        extract_reply(case.text),
        case.language,
        relayed=relayed(case.text),
        inline=answers_inline(case.text),
    )


def score(cases: list[Case]) -> dict[str, Any]:
    right = wrong = asked = 0
    acted_as: dict[str, int] = defaultdict(int)
    acted_right: dict[str, int] = defaultdict(int)
    labelled: dict[str, int] = defaultdict(int)
    failures: list[dict[str, Any]] = []
    for case in cases:
        result = run_case(case)
        got, expected = result.command, case.expected
        labelled[key(expected)] += 1
        if got is not None:
            acted_as[key(got)] += 1
        if same(got, expected):
            right += 1
            if got is not None:
                acted_right[key(got)] += 1
            continue
        if got is not None:
            wrong += 1
        elif result.candidate is not None:
            asked += 1
        failures.append(
            {
                "case": f"{case.language}#{case.number}",
                "text": " ".join(case.text.split())[:90],
                "expected": _show(expected),
                "got": _show(got),
                "candidate": _show(result.candidate),
                "confidence": result.confidence,
                "because": result.because,
            }
        )
    n = len(cases) or 1
    actions = sorted(set(labelled) | set(acted_as))
    return {
        "replies": len(cases),
        "accuracy": round(right / n, 3),
        "asked_back": round(asked / n, 3),
        "wrong_actions": wrong,
        "per_action": {
            a: {
                "precision": round(acted_right[a] / acted_as[a], 3) if acted_as[a] else None,
                "recall": round(acted_right[a] / labelled[a], 3) if labelled[a] else None,
            }
            for a in actions
            if a != "none"
        },
        "failures": failures,
    }


def _show(command: Command | None) -> str:
    if command is None:
        return "none"
    amount = f" {command.amount} {command.currency or '-'}" if command.amount is not None else ""
    return f"{key(command)}{amount}"


def report(heldout: bool | str = False, show: bool = False) -> dict[str, Any]:
    per_language = {code: score(load(code, heldout)) for code in LANGUAGES}
    everything = score([c for code in LANGUAGES for c in load(code, heldout)])
    out: dict[str, Any] = {"overall": everything, **per_language}
    if not show:
        for figures in out.values():
            figures.pop("failures")
    return out


if __name__ == "__main__":
    chosen = next((name for name in SETS if name and f"--{name}" in sys.argv), "")
    print(json.dumps(report(chosen, "--show" in sys.argv), indent=1))
