"""Console passwords: scrypt hashes via werkzeug."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    return generate_password_hash(password, method="scrypt")


def verify_password(stored: str | None, password: str) -> bool:
    return bool(stored) and check_password_hash(stored or "", password)
