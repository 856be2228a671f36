"""Reaching the real services; with ``CI`` set a missing service fails the run."""

from __future__ import annotations

import os
import secrets
import socket

import pytest

# The server's maintenance database: each test run creates a database of its own beside it
# (``fresh_postgres_database``), so runs in several checkouts, or in pytest-xdist workers,
# never share tables.
POSTGRES_ADMIN_URL = os.environ.get(
    "MAILFLOW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("MAILFLOW_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("MAILFLOW_TEST_CHROMIUM", "/usr/bin/chromium")


def fresh_postgres_database(prefix: str = "mailflow_test") -> str:
    """Create an empty database named for this process and return its URL."""
    import psycopg

    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require(available: bool, what: str) -> None:
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not available, and CI is set: a test that needs it must not skip")
    pytest.skip(f"{what} is not available")
