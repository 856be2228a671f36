"""Sweeps are safe to run twice at once, the scheduler only enqueues them, and
a job that exhausts its retries is recorded and shown in the console."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import dramatiq
from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import select

from mailflow.jobs import actors as jobs
from mailflow.jobs.broker import JobQueue
from mailflow.jobs.schedule import CRONS, SWEEPS, install
from mailflow.jobs.sweeps import sweep_offers
from mailflow.models import Event, FailedJob, Offer, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World
from tests.integration.test_console import _login, _user

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEADS = 24


def test_two_concurrent_sweeps_move_every_offer_exactly_once(rt: Runtime, world: World) -> None:
    rt.clock.set(MONDAY_9)
    rt.settings = rt.settings.with_(ring_size=2, sweep_batch=5)
    for city in ("Stuttgart", "Ulm", "Karlsruhe", "Augsburg", "Mannheim"):
        world.partner(city)
    leads = [world.offered_lead()[0] for _ in range(LEADS)]
    rt.clock.advance(hours=13)
    other = Runtime(rt.settings, clock=rt.clock)  # a second process: its own engine
    barrier = threading.Barrier(2)
    moved: list[int] = []

    def run(runtime: Runtime) -> None:
        barrier.wait()
        moved.append(sweep_offers(runtime))

    threads = [threading.Thread(target=run, args=(r,)) for r in (rt, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert sum(moved) == LEADS
    with rt.db.read() as s:
        offers = s.exec(select(Offer)).all()
        offered = s.exec(select(Event).where(Event.kind == "lead.offered")).all()
        expired = s.exec(select(Event).where(Event.kind == "offer.expired")).all()
        notices = s.exec(select(OutboundEmail).where(OutboundEmail.kind == "moved_on")).all()
    assert Counter((o.ring, o.state) for o in offers) == {
        (1, "expired"): 2 * LEADS,
        (2, "open"): 2 * LEADS,
    }
    assert Counter(e.data["ring"] for e in offered) == {1: LEADS, 2: LEADS}
    assert len(expired) == len(notices) == 2 * LEADS
    assert {world.reload(lead).ring for lead in leads} == {2}


def test_the_scheduler_enqueues_the_sweeps_coalesced_in_an_explicit_time_zone(
    rt: Runtime,
) -> None:
    scheduler = BackgroundScheduler(timezone="Europe/Berlin")
    install(scheduler, rt)
    found = {job.id: job for job in scheduler.get_jobs()}
    assert {"sweep_offers", "sweep_reminders", "sweep_outbox", "sweep_away"} <= set(found)
    assert all(job.coalesce and job.max_instances == 1 for job in found.values())
    assert set(SWEEPS) | set(CRONS) <= set(jobs.ACTORS)  # it only enqueues known actors
    assert str(scheduler.timezone) == "Europe/Berlin"


def test_every_actor_states_its_max_retries(queue: JobQueue) -> None:
    for name, (_, retries, _) in jobs.ACTORS.items():
        assert queue.actors[name].options["max_retries"] == retries


def test_a_job_that_exhausts_its_retries_is_recorded_and_shown_in_the_console(
    rt: Runtime, world: World, queue: JobQueue, client: Any
) -> None:
    def always_fails(lead_id: int) -> None:
        raise RuntimeError(f"lead {lead_id}: the CRM is down")

    failing = dramatiq.actor(
        always_fails, actor_name="always_fails", broker=queue.broker, max_retries=1, min_backoff=10
    )
    failing.send(42)
    broker = queue.broker
    for name in (failing.queue_name, f"{failing.queue_name}.DQ", failing.queue_name):
        broker.join(name, timeout=30_000, fail_fast=False)  # the retry waits in the delay queue
    assert queue._worker is not None
    queue._worker.join()
    with rt.db.read() as s:
        (row,) = s.exec(select(FailedJob)).all()
    assert row.actor == "always_fails" and row.args == [42] and row.retries == 1
    assert "the CRM is down" in (row.error or "")
    _user(rt, world)
    _login(client)
    page = client.get("/console/failed-jobs").get_data(as_text=True)
    assert "always_fails" in page and "the CRM is down" in page


def test_the_sweep_job_runs_through_the_embedded_queue(
    rt: Runtime, world: World, queue: JobQueue
) -> None:
    rt.clock.set(MONDAY_9)
    world.partner("Stuttgart")
    world.partner("Ulm")
    rt.settings = rt.settings.with_(ring_size=1)
    lead, _ = world.offered_lead()
    rt.clock.advance(hours=12, seconds=1)
    rt.enqueue("sweep_offers")
    queue.drain()
    assert world.reload(lead).ring == 2
    assert rt.clock.now() - MONDAY_9 > timedelta(hours=12)
