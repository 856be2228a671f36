"""A worker killed (SIGKILL) while it holds claimed emails: once its heartbeat has expired
the next outbox sweep hands them to a healthy worker, seconds after the kill instead of
the claims' 10-minute lease; a live worker keeps its claims however long its relay takes.
Real processes on one PostgreSQL and one Redis; the relay of the dying worker is a tarpit
that never finishes its greeting, so its claims stay open until the kill."""

from __future__ import annotations

import shutil
import socket
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import col, select

from mailflow.actions.outbound import outbox
from mailflow.jobs.heartbeat import Heartbeats
from mailflow.models import OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World
from tests.ops.takeover import HEARTBEAT_S, Takeover
from tests.reliability._faults import OwnRedis, wait_for
from tests.services import require

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


class Tarpit:
    """A relay that takes each connection and dribbles out its greeting a byte at a time,
    never ending the line: a sender waits on it for as long as it runs."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self.connections: list[socket.socket] = []

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self._server.getsockname()[1]}"

    def start(self) -> Tarpit:
        threading.Thread(target=self._accept, daemon=True).start()
        threading.Thread(target=self._dribble, daemon=True).start()
        return self

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self.connections.append(conn)

    def _dribble(self) -> None:
        while not self._stop.wait(1.0):
            for conn in list(self.connections):
                try:
                    conn.sendall(b"2")
                except OSError:
                    self.connections.remove(conn)

    def stop(self) -> None:
        self._stop.set()
        self._server.close()
        for conn in self.connections:
            conn.close()


def _rows(rt: Runtime) -> list[OutboundEmail]:
    with rt.db.read() as s:
        return list(s.exec(select(OutboundEmail).order_by(col(OutboundEmail.id))))


@pytest.mark.timeout(300)
def test_a_killed_workers_claimed_emails_go_out_through_a_healthy_worker_within_seconds(
    takeover: Takeover,
) -> None:
    rt, stack, sink = takeover.rt, takeover.stack, takeover.sink
    world = World(rt)
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city)
    for _ in range(4):
        world.offered_lead()  # no queue in this runtime: the emails wait in the outbox
    ids = [row.id for row in _rows(rt)]
    tarpit = Tarpit().start()
    try:
        queue = takeover.connect()
        stack.worker("dying", MAILFLOW_SMTP_URL=tarpit.url)
        queue.send("send_emails", ids)

        def claimed() -> bool:
            rows = _rows(rt)
            return all(r.state == "sending" and r.claimed_by for r in rows) and bool(
                tarpit.connections
            )

        wait_for(claimed, 60, "the first worker to claim the emails")
        [holder] = {r.claimed_by for r in _rows(rt)}
        takeover.outlive_a_heartbeat()
        assert outbox.due_ids(rt, rt.clock.now()) == []  # a live worker keeps its claims
        assert {(r.state, r.claimed_by) for r in _rows(rt)} == {("sending", holder)}

        killed = takeover.kill("dying")
        stack.worker("healthy")

        def sent() -> bool:
            return all(r.state == "sent" for r in _rows(rt))

        taken_over_after = takeover.sweep_until(sent, "sweep_outbox", killed)
    finally:
        takeover.stop()
        tarpit.stop()
    rows = _rows(rt)
    print(f"claimed emails of a killed worker sent {taken_over_after:.1f} s after the kill")
    assert taken_over_after < 120  # the lease alone would have held them for 10 minutes
    assert Counter(str(m.message["Message-ID"]) for m in sink.messages()) == Counter(
        f"<{r.message_id}>" for r in rows
    )
    assert all(r.attempts == 2 and r.claimed_by != holder for r in rows)


def test_the_heartbeat_setting_is_strict(tmp_path: Path) -> None:
    from mailflow.settings import SettingsError, load_settings

    base = {"MAILFLOW_DATA_DIR": str(tmp_path)}
    assert load_settings(base).worker_heartbeat_seconds == 30
    for wrong in ("2", "soon", "-30"):
        with pytest.raises(SettingsError, match="MAILFLOW_WORKER_HEARTBEAT_SECONDS"):
            load_settings({**base, "MAILFLOW_WORKER_HEARTBEAT_SECONDS": wrong})


def test_a_redis_that_just_restarted_declares_no_worker_dead(tmp_path: Path) -> None:
    """A Redis restarted without persistence has lost every heartbeat key: until a whole
    heartbeat has passed, the live workers may not have written theirs again, so the sweep
    hands nothing back meanwhile (it would send their emails a second time)."""
    require(shutil.which("redis-server") is not None, "redis-server")
    own = OwnRedis(tmp_path).start()
    beats = Heartbeats(own.url, "mailflow-test:", HEARTBEAT_S)
    try:
        worker = beats.worker_id()
        assert worker is not None
        wait_for(lambda: beats.alive([worker, "gone:1:dead"]) == {worker}, 30, "a heartbeat")
        own.stop()
        assert beats.alive([worker]) is None  # Redis away: nobody is declared dead
        own.start()  # back, empty
        assert beats.alive([worker, "gone:1:dead"]) is None
        wait_for(lambda: beats.alive([worker, "gone:1:dead"]) == {worker}, 30, "the next beat")
    finally:
        beats.stop()
        own.stop()
