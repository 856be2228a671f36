"""The rule every new console password meets (mailflow.rules.passwords.check_password)."""

from __future__ import annotations

import pytest

from mailflow.rules.passwords import WeakPassword, check_password, hash_password, verify_password

ERIKA = {"email": "erika.mustermann@nordwind.example", "name": "Erika Mustermann"}


@pytest.mark.parametrize(
    ("password", "because"),
    [
        (" " * 10, "only spaces"),
        ("\t \u3000" * 5, "only spaces"),
        ("  short  ", "at least 10 characters"),
        ("   abcdefg   ", "at least 10 characters"),  # blanks around do not count
        ("aaaaaaaaaaaa", "different characters"),
        ("1212121212121", "different characters"),
        ("abababcdcdcd", "different characters"),
        ("1234567890", "most common"),
        ("Password2024!", "most common"),
        ("qwertzuiop", "most common"),
        ("!!Passwort123", "most common"),
        ("erika.mustermann@nordwind.example", "email address or your name"),
        ("Mustermann-2024!", "email address or your name"),
        ("hello erika 2024", "email address or your name"),
        ("ERIKA.MUSTERMANN42", "email address or your name"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(password: str, because: str) -> None:
    with pytest.raises(WeakPassword, match=because):
        check_password(password, **ERIKA)


@pytest.mark.parametrize(
    "password", ["correct horse battery", "Tulip garden 1987", "a new long passphrase"]
)
def test_a_good_password_passes(password: str) -> None:
    check_password(password, **ERIKA)


def test_short_parts_of_a_name_or_address_are_not_held_against_a_password() -> None:
    check_password("stop the hops 42", email="ops@nordwind.example", name="Li Ops")


def test_hashing_applies_the_rule_too() -> None:
    with pytest.raises(WeakPassword):
        hash_password(" " * 12)
    with pytest.raises(WeakPassword):
        hash_password("Mustermann-2024!", **ERIKA)
    assert verify_password(hash_password("correct horse battery"), "correct horse battery")
