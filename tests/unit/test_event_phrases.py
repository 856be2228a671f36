"""Every event kind the code records has a phrase in the catalog, so the lead page's
history never shows a code such as ``offer.picked``. The kinds are read from the sources:
each string written like an event kind in the code that records events, and the kinds
built from a state (``f"offer.{state}"``, ``f"lead.{data.stage}"``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

from mailflow import i18n
from mailflow.models.schemas import Stage
from mailflow.models.states import OfferState
from mailflow.queries import history

ROOT = Path(i18n.__file__).parent
# the code that records events (the inbound reader's own headers such as
# ``header.from`` are not events)
RECORDERS = [
    *(ROOT / "actions").rglob("*.py"),
    *(p for p in (ROOT / "inbound").rglob("*.py") if "parse" not in p.parts),
    ROOT / "queries" / "lead_pages.py",
]
KIND = re.compile(r"^[a-z_]+\.[a-z_]+$")
# written like kinds, but not kinds: a webhook's event name (a value of the fan-out's
# table) and the SMTP server's log file
NOT_KINDS = {"lead.feedback", "mail.log"}
BUILT = {
    "offer.{state}": [f"offer.{s}" for s in OfferState if s != OfferState.OPEN],
    "lead.{data.stage}": [f"lead.{s}" for s in get_args(Stage)],
}


def _kinds() -> set[str]:
    found: set[str] = set()
    for path in RECORDERS:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if KIND.match(node.value) and node.value not in NOT_KINDS:
                    found.add(node.value)
            elif isinstance(node, ast.JoinedStr) and (pattern := ast.unparse(node)[2:-1]) in BUILT:
                found.update(BUILT[pattern])
    return found


def test_the_sources_record_the_kinds_this_test_reads() -> None:
    kinds = _kinds()
    assert {"offer.picked", "lead.qualified", "offer.taken", "lead.won", "lead.note"} <= kinds
    assert len(kinds) > 80


def test_every_event_kind_the_code_records_has_a_phrase() -> None:
    missing = sorted(_kinds() - set(history.PHRASES))
    assert missing == [], "add a phrase to mailflow/queries/history.py"


def test_every_phrase_is_translated_in_every_language() -> None:
    phrases = [*history.PHRASES.values(), *history.AWARDS.values(), history.OTHER]
    for lang in i18n.LANGUAGES:
        if lang == "en":
            continue
        catalog = i18n.catalog(lang)
        untranslated = [p for p in phrases if not catalog.get(p, "")]
        assert untranslated == [], lang


def _actors() -> set[str]:
    """The actors the code names as text: ``unit(rt, "system", …)``, ``ActionContext(…)``."""
    found = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or ast.unparse(node.func).split(".")[-1] not in (
                "unit",
                "ActionContext",
            ):
                continue
            name = ast.unparse(node.func)
            # unit(rt, actor, …), units.unit(actor, …), ActionContext(session, rt, actor, …)
            index = 0 if name.endswith(".unit") else 2 if name == "ActionContext" else 1
            if len(node.args) > index and isinstance(node.args[index], ast.Constant):
                found.add(str(node.args[index].value))
    return found


def test_every_actor_named_in_the_code_has_words_for_a_reader() -> None:
    actors = _actors()
    assert {"system", "cli", "anonymous", "inbound"} <= actors
    assert sorted(actors - set(history.ACTORS)) == []
