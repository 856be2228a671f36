"""Scale-out: two web processes, two workers and two schedulers on one PostgreSQL and one
Redis take 500 leads and 500 replies while one web process and one worker are killed
(SIGKILL: no chance to finish anything) mid-way. The worker's heartbeat is short
(``HEARTBEAT_S``), so the emails and replies it had claimed go back at the next minute's
sweeps instead of after their leases.

Every lead is offered exactly once, every reply applied once, the SMTP sink sees no
Message-ID twice, and the outbox is empty at the end. The figures are printed (``-s``)."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, or_, text
from sqlalchemy.pool import NullPool
from sqlmodel import col, func, select

from mailflow.actions.outbound.outbox import MARK_EVERY
from mailflow.db import migrate
from mailflow.mail.capture import MailCapture
from mailflow.models import Event, InboundEmail, Lead, Offer, OutboundEmail
from mailflow.models.states import InboundState, LeadState, OfferState, OutboundState
from mailflow.runtime import Runtime
from tests.conftest import TEST_KEYS, make_settings
from tests.factories import LEAD_DEFAULTS, World
from tests.mail import reply
from tests.ops.stack import Stack, environment, free_port
from tests.services import (
    REDIS_URL,
    drop_postgres_database,
    fresh_postgres_database,
    port_open,
    require,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.scaleout]
LEADS = 500
CLIENT_THREADS = 8
HEARTBEAT_S = 3  # the least the setting allows
# a lead whose distribution job died with the killed web process waits for its 2-minute
# grace and the next minute's sweep_offers; a reply the killed worker held, for its
# heartbeat and the next sweep_inbound: both well within this on a busy machine
WORST_CASE_S = 300
WEB_THREADS = WORKER_THREADS = 8
# docs/operations.md, "Database connections": one per web or worker thread, none for a
# scheduler that has Redis; and this test's own two (its runtime, the sampler)
CONNECTION_BOUND = 2 * WEB_THREADS + 2 * WORKER_THREADS + 2
CITIES = ("Stuttgart", "Ulm", "Karlsruhe", "München", "Augsburg")


@pytest.fixture
def database() -> Iterator[str]:
    require(port_open("127.0.0.1", 5432), "PostgreSQL")
    require(port_open("127.0.0.1", 6379), "Redis")
    url = fresh_postgres_database("mailflow_scale")
    migrate.upgrade(url)
    yield url
    drop_postgres_database(url)


class Webs:
    """Round-robin over the live web processes; a request that finds its process dead
    (connection refused or reset) is sent again to another, as a load balancer would."""

    def __init__(self, urls: dict[str, str]) -> None:
        self.urls = dict(urls)
        self.dead: set[str] = set()
        self._turn = itertools.count()
        self.local = threading.local()

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        session = getattr(self.local, "session", None) or requests.Session()
        self.local.session = session
        for _attempt in range(6):
            live = [name for name in self.urls if name not in self.dead]
            name = live[next(self._turn) % len(live)]
            try:
                return session.post(self.urls[name] + path, timeout=60, **kwargs)
            except requests.ConnectionError:
                session.close()
                time.sleep(0.2)
        raise AssertionError(f"{path}: no web process answered")


def _wait(
    what: str, done: Callable[[], bool], timeout_s: float, status: Callable[[], str]
) -> float:
    started = time.monotonic()
    while not done():
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"timed out waiting for {what}: {status()}")
        time.sleep(0.5)
    return time.monotonic() - started


def _status(rt: Runtime, stack: Stack) -> str:
    with rt.db.read() as s:
        leads = Counter(s.exec(select(Lead.state)).all())
        mails = Counter(s.exec(select(OutboundEmail.state)).all())
        inbound = Counter(s.exec(select(InboundEmail.state)).all())
        offers = s.exec(select(func.count()).select_from(Offer)).one()
    logs = {name: stack.log(name)[-800:] for name in stack.procs}
    return f"leads {leads}, offers {offers}, outbox {mails}, inbound {inbound}, logs {logs}"


class Connections:
    """The database's open connections, sampled every half second on a connection of its
    own (counted too) while the deployment runs; ``peak`` is the most seen."""

    QUERY = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")

    def __init__(self, url: str) -> None:
        # autocommit: within one transaction PostgreSQL shows the same snapshot of the
        # activity at every read
        self._engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.peak = 0

    def start(self) -> Connections:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
        self._engine.dispose()

    def _sample(self) -> None:
        with self._engine.connect() as conn:
            while not self._stop.wait(0.5):
                self.peak = max(self.peak, int(conn.execute(self.QUERY).scalar_one()))


def _held_by(rt: Runtime, pid: int) -> tuple[int, int]:
    """The replies and emails claimed by the worker process ``pid`` (claims name it)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    names = [f"{socket.gethostname()}:{child}:%" for child in children]
    replies = select(func.count()).where(
        InboundEmail.state == InboundState.RECEIVED,
        or_(*(col(InboundEmail.claimed_by).like(name) for name in names)),
    )
    emails = select(func.count()).where(
        OutboundEmail.state == OutboundState.SENDING,
        or_(*(col(OutboundEmail.claimed_by).like(name) for name in names)),
    )
    return _count(rt, replies), _count(rt, emails)


def _count(rt: Runtime, query: Any) -> int:
    with rt.db.read() as s:
        return int(s.exec(query).one())


@pytest.mark.timeout(900)  # about 45 s alone; more while other tests share the cores
def test_two_of_each_process_take_500_leads_and_500_replies_while_one_web_and_one_worker_are_killed(
    tmp_path: Path, database: str
) -> None:
    sink = MailCapture().start()
    rt = Runtime(make_settings(tmp_path, database, redis_url=REDIS_URL))
    world = World(rt)
    for city in CITIES:
        for _ in range(4):
            world.partner(city, contacts=1)
    key = world.api_key()
    env = environment(tmp_path, database, REDIS_URL, sink.url, TEST_KEYS)
    env["MAILFLOW_WORKER_HEARTBEAT_SECONDS"] = str(HEARTBEAT_S)
    stack = Stack(env, tmp_path)
    figures: dict[str, float] = {}
    connections = Connections(database).start()
    try:
        for name in ("web1", "web2"):
            stack.web(name, threads=WEB_THREADS)
        stack.worker("worker1", threads=WORKER_THREADS)
        metrics_port = free_port()
        stack.worker("worker2", threads=WORKER_THREADS, metrics_port=metrics_port)
        stack.scheduler("scheduler1")
        stack.scheduler("scheduler2")
        stack.wait_ready()
        webs = Webs({name: stack.url(name) for name in ("web1", "web2")})

        # -- 500 leads through the API; web1 is killed half-way ------------------------
        posted = itertools.count(1)
        lead_ids: list[int] = []

        def post_lead(i: int) -> int:
            body = {
                **LEAD_DEFAULTS,
                "customer_email": f"kunde{i}@firma{i}.example",
                "customer_name": f"Kundin Nummer{i}",
                "city": CITIES[i % len(CITIES)],
            }
            headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": f"scale-{i}"}
            answer = webs.post("/api/v1/leads", json=body, headers=headers)
            assert answer.status_code in (200, 201), answer.text
            if next(posted) == LEADS // 2:
                webs.dead.add("web1")  # the balancer's health check notices …
                stack.kill("web1")  # … as the process dies with requests in flight
            return int(answer.json()["id"])

        started = time.monotonic()
        with ThreadPoolExecutor(CLIENT_THREADS) as pool:
            lead_ids = list(pool.map(post_lead, range(LEADS)))
        figures["leads_posted_s"] = time.monotonic() - started
        assert len(set(lead_ids)) == LEADS
        unsent = select(func.count()).where(
            col(OutboundEmail.state).in_((OutboundState.QUEUED, OutboundState.SENDING))
        )
        offers = select(func.count()).select_from(Offer)
        _wait(
            "every lead's offers and their emails",
            lambda: _count(rt, offers) >= 3 * LEADS and _count(rt, unsent) == 0,
            WORST_CASE_S,
            lambda: _status(rt, stack),
        )
        figures["leads_offered_s"] = time.monotonic() - started

        # -- 500 replies through the inbound webhook; worker1 is killed half-way -------
        with rt.db.read() as s:
            firsts = s.exec(
                select(OutboundEmail)
                .where(OutboundEmail.kind == "offer")
                .order_by(col(OutboundEmail.lead_id), col(OutboundEmail.id))
            ).all()
        by_lead: dict[int, OutboundEmail] = {}
        for row in firsts:
            assert row.lead_id is not None
            by_lead.setdefault(row.lead_id, row)
        assert len(by_lead) == LEADS
        replied = itertools.count(1)
        held: list[int] = []  # replies, emails the killed worker had claimed

        def post_reply(row: OutboundEmail) -> None:
            assert row.offer_id is not None and row.contact_id is not None
            to = f"reply+{rt.reply_key(row.offer_id, row.contact_id)}@reply.mailflow.test"
            raw = reply(
                "Wir nehmen ihn!",
                to=to,
                sender=row.to_addr,
                headers={"In-Reply-To": f"<{row.message_id}>"},
            )
            answer = webs.post(
                f"/inbound/webhook?to={to}",
                data=raw,
                headers={"Authorization": "Bearer scale-out-secret"},
            )
            assert answer.status_code == 202, answer.text
            if next(replied) == LEADS // 2:
                held.extend(_held_by(rt, stack.procs["worker1"].pid))
                stack.kill("worker1")

        started = time.monotonic()
        with ThreadPoolExecutor(CLIENT_THREADS) as pool:
            list(pool.map(post_reply, by_lead.values()))
        figures["replies_posted_s"] = time.monotonic() - started
        picked = select(func.count()).where(Lead.state == LeadState.PICKED)
        waiting = select(func.count()).where(InboundEmail.state == InboundState.RECEIVED)
        _wait(
            "every reply applied and every email sent",
            lambda: (
                _count(rt, picked) == LEADS and _count(rt, waiting) == 0 and _count(rt, unsent) == 0
            ),
            WORST_CASE_S,
            lambda: _status(rt, stack),
        )
        figures["replies_applied_s"] = time.monotonic() - started
        worker_metrics = requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
    finally:
        connections.stop()
        stack.stop()
        sink.stop()

    with rt.db.read() as s:
        # every lead offered exactly once: one ring, one "offered" transition
        per_lead = Counter(
            s.exec(select(Event.lead_id).where(Event.to_state == LeadState.OFFERED)).all()
        )
        assert sorted(per_lead) == sorted(lead_ids) and set(per_lead.values()) == {1}
        rings = s.exec(select(Offer.lead_id, func.max(Offer.ring)).group_by(col(Offer.lead_id)))
        assert {ring for _, ring in rings} == {1}
        # every reply applied once: one picked offer per lead, one applied message each
        picks = Counter(s.exec(select(Offer.lead_id).where(Offer.state == OfferState.PICKED)))
        assert len(picks) == LEADS and set(picks.values()) == {1}
        states = Counter(s.exec(select(InboundEmail.state)).all())
        assert states[InboundState.APPLIED] == LEADS, states
        assert set(states) <= {InboundState.APPLIED, InboundState.DUPLICATE}, states
        outbox = Counter(s.exec(select(OutboundEmail.state)).all())
    assert set(outbox) == {OutboundState.SENT}, outbox  # nothing left, nothing failed
    ids = Counter(message_from_bytes(m.raw)["Message-ID"] for m in sink.messages())
    assert len(ids) == outbox[OutboundState.SENT]  # every email sent reached the sink …
    # … once, but for the emails the killed worker was handing to the relay at that moment:
    # SMTP gives no exactly-once, so one accepted by the relay but not yet marked sent goes
    # out again, under its own Message-ID (the recipient's system folds the two); each of
    # its sending threads marks what went out at least every MARK_EVERY emails
    again = [i for i, n in ids.items() if n > 1]
    bound = min(held[1], WORKER_THREADS * MARK_EVERY)
    assert max(ids.values()) <= 2 and len(again) <= bound, again
    assert 'dramatiq_messages_total{actor_name="send_emails"' in worker_metrics
    print(f"\nthe killed worker held {held[0]} replies and {held[1]} emails")
    print(f"peak PostgreSQL connections: {connections.peak} (bound {CONNECTION_BOUND})")
    assert 0 < connections.peak <= CONNECTION_BOUND
    rt.close()

    total = figures["leads_offered_s"] + figures["replies_applied_s"]
    print(
        f"\nscale-out: {LEADS} leads posted in {figures['leads_posted_s']:.1f} s "
        f"({LEADS / figures['leads_posted_s']:.0f}/s), offered and mailed after "
        f"{figures['leads_offered_s']:.1f} s ({LEADS / figures['leads_offered_s']:.0f}/s); "
        f"{LEADS} replies posted in {figures['replies_posted_s']:.1f} s, applied and "
        f"answered after {figures['replies_applied_s']:.1f} s "
        f"({LEADS / figures['replies_applied_s']:.0f}/s); "
        f"{len(ids)} emails at the sink ({len(ids) / total:.0f}/s)"
    )
