"""An invitation's course as data: reminders 3 and 10 days after, the end after 30, one
move out of ``invited``; the versions still to accept; a text in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mailflow.rules import onboarding

SENT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_reminders_come_3_and_10_days_after_the_invitation_and_then_none() -> None:
    assert onboarding.next_reminder(SENT, 0) == SENT + timedelta(days=3)
    assert onboarding.next_reminder(SENT, 1) == SENT + timedelta(days=10)
    assert onboarding.next_reminder(SENT, 2) is None
    assert onboarding.expires_at(SENT) == SENT + timedelta(days=30)


def test_an_invitation_moves_once_out_of_invited() -> None:
    assert onboarding.can_move("invited", "accepted")
    assert onboarding.can_move("invited", "expired")
    assert not onboarding.can_move("accepted", "expired")
    assert not onboarding.can_move("expired", "accepted")


def test_only_the_current_versions_not_accepted_are_still_to_accept() -> None:
    current = {"terms": 2, "dpa": 1}
    assert onboarding.still_to_accept(current, [("terms", 1), ("dpa", 1)]) == {"terms": 2}
    assert onboarding.still_to_accept(current, [("terms", 2), ("dpa", 1)]) == {}
    assert onboarding.still_to_accept(current, []) == current


def test_a_text_is_shown_in_the_readers_language_else_in_english() -> None:
    texts = {"en": "Terms", "de": "Bedingungen"}
    assert onboarding.text_in(texts, "de") == ("de", "Bedingungen")
    assert onboarding.text_in(texts, "pl") == ("en", "Terms")
    assert onboarding.text_in({"fr": "Conditions"}, "pl") == ("fr", "Conditions")
