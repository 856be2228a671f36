"""Shared by the attack tests (``test_attack_*.py``): a snapshot of every table, to prove
that a request changed nothing, and console users of every role with their login."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel
from werkzeug.security import generate_password_hash

import mailflow.models  # noqa: F401  (every table in the metadata)
from mailflow.jobs.broker import JobQueue
from mailflow.models import Contact, OrgAssignment, Territory
from mailflow.queries.visibility import CONSOLE_ROLES
from mailflow.runtime import Runtime
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


def _password_hash() -> str:
    """A real hash the login checks, with few iterations: the attack tests log in often
    (production hashes use scrypt, see mailflow.rules.passwords)."""
    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


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


def all_sent(rt: Runtime, queue: JobQueue) -> None:
    """Wait until the outbox is empty: a send job may still be on its way to the worker
    when the queue looks idle."""
    from sqlmodel import col, func
    from sqlmodel import select as select_rows

    from mailflow.models import OutboundEmail

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        queue.drain()
        with rt.db.read() as s:
            waiting = s.exec(
                select_rows(func.count()).where(col(OutboundEmail.state).in_(("queued", "sending")))
            ).one()
        if not waiting:
            return
        time.sleep(0.05)
    raise AssertionError("emails still waiting in the outbox")


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
