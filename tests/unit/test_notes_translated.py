"""Lines the system writes about a decision (why a partner was excluded, why it is in the
ring, why a bounce changed nothing, what the sender check found) stay English where text
is wanted (logs, JSON, the API's ``reason``) and keep their message and values, so a page
or the API shows them in the reader's language and format, nested reasons included."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from mailflow.inbound.outcome import Outcome
from mailflow.inbound.parse import authresults
from mailflow.inbound.parse.sender import mailbox
from mailflow.mail import labels
from mailflow.rules.matching.criteria import Candidate, LeadPlace, Policy
from mailflow.rules.matching.ranking import explain
from mailflow.rules.note import Note

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LEAD = LeadPlace("DE", 48.7758, 9.1829, postal_code="70173", product_line="Heat pump")


def _stored(note: Note) -> list[object]:
    """As a JSON column keeps it."""
    return json.loads(json.dumps(note.as_json()))


def test_why_a_partner_was_excluded_reads_in_the_readers_language() -> None:
    paused = ((NOW - timedelta(days=1), datetime(2026, 12, 14, tzinfo=UTC)),)
    away = Candidate(1, "Away", "DE", 48.78, 9.18, pauses=paused)
    full = Candidate(2, "Full", "DE", 48.78, 9.18, capacity=3, load=3)
    far = Candidate(3, "Far", "DE", 53.55, 9.99)
    policy = Policy(max_distance_km=100)
    ranking = explain(LEAD, [away, full, far], now=NOW, policy=policy)
    whys = {c.organization_id: why for c, why in ranking.excluded}
    assert whys == {
        1: "offers paused",
        2: "at capacity (3 of 3 open leads)",
        3: "534 km away, more than 100 km",
    }  # the English text the API has always carried
    assert labels.note("de", whys[1]) == "Angebote pausiert"
    assert labels.note("de", whys[2]) == "ausgelastet (3 von 3 offenen Leads)"
    assert labels.note("de", whys[3]) == "534 km entfernt, mehr als 100 km"
    assert labels.note("pl", whys[3]) == "534 km, więcej niż 100 km"


def test_why_a_partner_is_in_the_ring_is_kept_and_shown_translated() -> None:
    near = Candidate(1, "Near", "DE", 48.78, 9.18, product_lines=("Heat pump",))
    (match,) = explain(LEAD, [near], now=NOW, limit=1).ring
    assert match.why.startswith("score ") and "km away" in match.why  # the audit's English
    assert isinstance(match.why, Note)
    shown = labels.note("de", "", _stored(match.why))  # as an offer's audit event keeps it
    assert shown.startswith("Punktzahl ") and "km entfernt" in shown and "sells" not in shown
    assert "Heat pump" in shown


def test_a_bounces_nested_reason_reads_in_the_readers_language() -> None:
    why = Note("it names no failed recipient for our email %(emails)s", emails="#7")
    said = Outcome.said(
        "ignored",
        "bounce for %(recipient)s not acted on: %(why)s",
        {"recipient": "a@b.de", "why": why},
    )
    assert said.reason == (
        "bounce for a@b.de not acted on: it names no failed recipient for our email #7"
    )
    outcome = json.loads(json.dumps({"reason": said.reason, **said.data}))
    german = labels.why("de", "ignored", outcome)
    assert "a@b.de" in german and "#7" in german
    assert "names no failed recipient" not in german and "not acted on" not in german


def test_the_sender_checks_detail_reads_in_the_readers_language() -> None:
    headers = [("Authentication-Results", "mx.example.net; dmarc=fail header.from=partner.de")]
    verdict = authresults.verdict(headers, ["mx.example.net"], "partner.de")
    assert not verdict.passed and verdict.reason == "dmarc=fail for partner.de"
    kept = json.loads(json.dumps(verdict.as_json()))
    assert kept["reason"] == "dmarc=fail for partner.de"  # the field ops tools read
    assert labels.note("de", kept["reason"], kept["reason_note"]) == (
        "DMARC-Prüfung für partner.de fehlgeschlagen"
    )
    refused = mailbox([("From", "a@x.de"), ("From", "b@y.de")], "From")
    assert refused.problem == "2 From headers"
    assert labels.note("de", refused.problem) == "2-mal die Kopfzeile From"
    said = Outcome.said("review", "sender not verified: %(problem)s", {"problem": verdict.reason})
    german = labels.why("de", "review", json.loads(json.dumps(said.data)))
    assert german.endswith("DMARC-Prüfung für partner.de fehlgeschlagen")
    assert "not verified" not in german
