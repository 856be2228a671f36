"""The expiry and reminder sweeps running at once on PostgreSQL (a catch-up after the
scheduler was down: every offer is due for its reminder and past its deadline). Both take
the lead's row before its offers, so they never deadlock; every offer ends expired."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlmodel import select

from mailflow.db import normalize_url
from mailflow.jobs.sweeps import sweep_offers, sweep_reminders
from mailflow.models import Offer
from mailflow.runtime import Runtime
from tests.factories import World

LEADS = 80
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_expiry_and_reminder_sweeps_at_once_never_deadlock(rt: Runtime, world: World) -> None:
    rt.clock.set(MONDAY_9)
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city)
    for _ in range(LEADS):
        world.offered_lead(temperature="warm")  # 12 h SLA, reminder at 9 h
    rt.clock.advance(hours=13)  # the scheduler was down: both sweeps have every offer due

    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(sweep: object) -> None:
        start.wait()
        try:
            sweep(rt)  # type: ignore[operator]
        except BaseException as exc:  # the test reports it below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in (sweep_offers, sweep_reminders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    with rt.db.read() as s:
        states = Counter(s.exec(select(Offer.state).where(Offer.ring == 1)).all())
    assert states == {"expired": LEADS * 3}


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_sweep_item_that_deadlocks_is_run_again_and_the_sweep_goes_on(
    rt: Runtime, world: World
) -> None:
    """Another transaction holds an offer and then asks for its lead (the wrong order):
    PostgreSQL aborts the sweep's transaction of that lead, and the sweep runs it again."""
    rt.clock.set(MONDAY_9)
    world.partner("Stuttgart")
    leads = [world.offered_lead(temperature="warm") for _ in range(3)]
    (_lead, (held,)) = leads[0]
    rt.clock.advance(hours=13)
    blocked = threading.Event()
    failed: list[BaseException] = []
    engine = create_engine(normalize_url(rt.settings.database_url))

    def wrong_order() -> None:
        try:
            with engine.connect() as conn, conn.begin():
                # this side looks for a deadlock later: the sweep's side finds it first
                conn.execute(text("SET LOCAL deadlock_timeout = '20s'"))
                conn.execute(text("SELECT id FROM offer WHERE id = :i FOR UPDATE"), {"i": held.id})
                blocked.set()
                _wait_for_a_lock_wait(conn)  # the sweep holds the lead, waits for the offer
                conn.execute(
                    text("SELECT id FROM lead WHERE id = :i FOR UPDATE"), {"i": held.lead_id}
                )
        except BaseException as exc:  # the test reports it below
            failed.append(exc)

    other = threading.Thread(target=wrong_order)
    other.start()
    assert blocked.wait(10)
    try:
        moved = sweep_offers(rt)
    finally:
        other.join(30)
        engine.dispose()
    assert not other.is_alive() and failed == []
    assert moved == 3
    with rt.db.read() as s:
        states = Counter(s.exec(select(Offer.state).where(Offer.ring == 1)).all())
    assert states == {"expired": 3}


def _wait_for_a_lock_wait(conn: Connection) -> None:
    for _ in range(200):
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the sweep never waited for the offer")
