"""Console passwords: scrypt hashes via werkzeug, and the rule every new password meets.

:func:`hash_password` applies the rule, so no way of setting a password (reset link, CLI,
seed) can skip it; the actions pass the contact's email address and name as well, which
a password must not contain.
"""

from __future__ import annotations

import re

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MIN_DISTINCT = 5  # "aaaaabbbbb" or "1212121212" is guessed in no time
_IDENTITY_MIN = 4  # shorter parts of a name or address ("ops", "li") are common words
# The most common passwords of the public leak lists (English and German), lower case;
# a password is refused when it is one of them, with digits and signs around it or not.
# fmt: off
COMMON = frozenset({
    "password", "passwort", "passw0rd", "p@ssw0rd", "p@ssword", "kennwort", "qwertyuiop",
    "qwertzuiop", "qwerty", "qwertz", "asdfghjkl", "yxcvbnm", "zxcvbnm", "1q2w3e4r5t",
    "1q2w3e4r", "1qaz2wsx", "zaq12wsx", "iloveyou", "letmein", "welcome", "willkommen",
    "admin", "administrator", "changeme", "secret", "geheim", "sunshine", "football",
    "fussball", "baseball", "dragon", "monkey", "princess", "superman", "starwars",
    "trustno1", "master", "hallo", "login", "shadow", "abc123", "abcdef", "abcdefgh",
    "test", "tester", "mailflow",
})
# fmt: on
_AROUND = re.compile(r"^[\d\W_]+|[\d\W_]+$")


class WeakPassword(ValueError):
    """The password breaks the rule; the message says which part, to the user."""


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    """Raise :class:`WeakPassword` unless ``password`` may be a console password."""
    text = password.strip()
    if not text:
        raise WeakPassword("a password cannot be only spaces")
    if len(text) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    folded = text.casefold()
    if len(set(folded)) < MIN_DISTINCT:
        raise WeakPassword(f"a password needs at least {MIN_DISTINCT} different characters")
    if folded.isdigit() or folded in COMMON or _AROUND.sub("", folded) in COMMON:
        raise WeakPassword("this password is one of the most common ones: choose another")
    if any(part in folded for part in _identity(email, name)):
        raise WeakPassword("a password must not contain your email address or your name")


def _identity(email: str, name: str) -> set[str]:
    """The email address, its local part and its words, the name and its words."""
    address = email.strip().casefold()
    local = address.split("@", 1)[0]
    parts = {address, local, name.strip().casefold()}
    parts |= set(re.split(r"[\W_]+", local)) | set(name.casefold().split())
    return {p for p in parts if len(p) >= _IDENTITY_MIN}


def hash_password(password: str, *, email: str = "", name: str = "") -> str:
    check_password(password, email=email, name=name)
    return generate_password_hash(password, method="scrypt")


def verify_password(stored: str | None, password: str) -> bool:
    return bool(stored) and check_password_hash(stored or "", password)
