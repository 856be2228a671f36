"""Why an inbound message ended as it did is a message of the catalog, shown in the
reader's language: no reason is built as English text in the code (an f-string or a
concatenation), and the console fills a reason's values in the reader's format."""

from __future__ import annotations

import ast
from pathlib import Path

from mailflow import i18n
from mailflow.inbound.outcome import Outcome
from mailflow.mail import labels

ROOT = Path(i18n.__file__).parent
SOURCES = [*(ROOT / "inbound").rglob("*.py"), *(ROOT / "actions" / "inbound").rglob("*.py")]


def _outcome_reasons() -> list[tuple[str, ast.expr]]:
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = ast.unparse(node.func)
            if name in ("Outcome", "Outcome.said"):
                found.append((f"{path.name}:{node.lineno}", node.args[1]))
    return found


def test_no_inbound_reason_is_english_built_in_the_code() -> None:
    reasons = _outcome_reasons()
    assert len(reasons) > 15
    built = [where for where, arg in reasons if isinstance(arg, ast.JoinedStr | ast.BinOp)]
    assert built == [], "use N_() and Outcome.said for a reason with values"
    plain = [arg.value for _, arg in reasons if isinstance(arg, ast.Constant)]
    assert plain == [], "mark a reason with N_() so that it is in the catalog"


def test_a_reason_with_values_reads_in_the_readers_language_and_format() -> None:
    said = Outcome.said(
        "auto_reply", "out of office (capped; it named %(date)s)", {"date": "2027-01-05"}
    )
    assert said.reason == "out of office (capped; it named 2027-01-05)"  # the logs, the API
    outcome = {"reason": said.reason, **said.data}
    assert labels.why("de", "auto_reply", outcome) == (
        "Abwesenheitsnotiz (gekürzt; genannt war der 05.01.2027)"
    )


def test_a_plain_reason_and_a_refusal_read_in_the_readers_language() -> None:
    note = {"reason": "no clear command: kept as a note"}
    assert labels.why("de", "review", note) == "keine eindeutige Anweisung: als Notiz behalten"
    refused = {"reason": "offer 12 is taken, not open"}  # an action's English detail
    assert labels.why("de", "refused", refused) == i18n.gettext("de", labels.REFUSED)
