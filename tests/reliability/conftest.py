"""Shared by the attack tests (``test_attack_*.py``): a snapshot of every table, to prove
that a request changed nothing, and console users of every role with their login."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

import mailflow.models  # noqa: F401  (every table in the metadata)
from mailflow.models import Contact, OrgAssignment, Territory
from mailflow.passwords import hash_password
from mailflow.runtime import Runtime
from mailflow.visibility import CONSOLE_ROLES
from tests.factories import World

PASSWORD = "correct horse battery"
Snapshot = dict[str, list[tuple[Any, ...]]]


@pytest.fixture
def db_state(rt: Runtime) -> Callable[[], Snapshot]:
    """Every row of every table, in key order: equal snapshots = nothing changed."""

    def take() -> Snapshot:
        out: Snapshot = {}
        with rt.db.read() as s:
            for table in SQLModel.metadata.sorted_tables:
                query = select(table).order_by(*table.primary_key.columns)
                out[table.name] = [tuple(row) for row in s.execute(query)]
        return out

    return take


@functools.cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # scrypt is slow on purpose: hash once


@pytest.fixture
def console_users(rt: Runtime, world: World) -> dict[str, str]:
    """One console user per role (email by role). The partner manager manages Germany and
    the dealer; the manager and the rep belong to that dealer."""
    dealer = world.partner("Stuttgart", name="Console Dealer")
    users: dict[str, str] = {}
    with rt.db.transaction() as s:
        for role in sorted(CONSOLE_ROLES):
            staff = role in ("admin", "ops", "partner_manager")
            user = Contact(
                organization_id=world.manufacturer() if staff else dealer.id,
                name=f"User {role}",
                email=f"{role.replace('_', '-')}@console.test",
                role=role,
                password_hash=_password_hash(),
                created_at=rt.clock.now(),
            )
            s.add(user)
            s.flush()
            users[role] = user.email
            if role == "partner_manager":
                s.add(Territory(name="Germany", manager_contact_id=user.id, country="DE",
                                created_at=rt.clock.now()))  # fmt: skip
                s.add(OrgAssignment(organization_id=dealer.id, manager_contact_id=user.id))
    return users


def csrf_of(client: Any, path: str = "/console/login") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found, f"no CSRF field on {path}"
    return found.group(1)


@pytest.fixture
def login(console_users: dict[str, str]) -> Callable[[Any, str], str]:
    """``login(client, role)`` logs the client in; returns the session's CSRF token."""

    def _login(client: Any, role: str) -> str:
        answer = client.post(
            "/console/login",
            data={"email": console_users[role], "password": PASSWORD, "csrf": csrf_of(client)},
        )
        assert answer.status_code == 302, f"{role} could not log in"
        with client.session_transaction() as session:
            return str(session["csrf"])

    return _login
