"""The outbound relay goes down while emails are being sent and comes back later: the
sink on the relay's address counts every Message-ID — 0 lost, 0 duplicates."""

from __future__ import annotations

from collections import Counter

from sqlmodel import col, select

from mailflow.jobs.broker import connect
from mailflow.mail.capture import MailCapture
from mailflow.models import OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World
from tests.reliability._faults import wait_for

LEADS = 12  # × 3 partners = 36 offer emails


def _outbox(rt: Runtime) -> list[OutboundEmail]:
    with rt.db.read() as s:
        return list(s.exec(select(OutboundEmail).order_by(col(OutboundEmail.id))))


def test_a_relay_outage_loses_and_doubles_no_email(rt: Runtime, world: World) -> None:
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city)
    relay = MailCapture().start()
    port = int(relay.url.rsplit(":", 1)[1])
    rt.use_smtp(relay.url)
    queue = connect(rt, worker_threads=2)
    received: list[MailCapture] = [relay]
    try:
        for _ in range(LEADS // 2):  # relay up: these go out at once
            world.offered_lead()
        queue.drain()
        wait_for(lambda: len(relay.messages()) == LEADS // 2 * 3, 30, "the first emails")
        relay.stop()  # the relay goes down; the sender's open connection breaks with it
        for _ in range(LEADS // 2):
            world.offered_lead()
        queue.drain()
        states = Counter(e.state for e in _outbox(rt))
        assert states == {"sent": LEADS // 2 * 3, "queued": LEADS // 2 * 3}
        queue.send("sweep_outbox")  # a sweep during the outage sends nothing, loses nothing
        queue.drain()
        assert Counter(e.state for e in _outbox(rt))["queued"] == LEADS // 2 * 3

        back = MailCapture(port=port).start()  # the relay is back on the same address
        received.append(back)
        rt.clock.advance(minutes=2)  # past the first backoff
        queue.send("sweep_outbox")
        queue.send("sweep_outbox")  # twice, as two schedulers might
        queue.drain()
    finally:
        queue.stop()
        for sink in received:
            sink.stop()
    ids = Counter(str(m.message["Message-ID"]) for sink in received for m in sink.messages())
    rows = _outbox(rt)
    assert len(rows) == LEADS * 3
    assert set(ids) == {f"<{r.message_id}>" for r in rows}  # 0 lost
    assert set(ids.values()) == {1}  # 0 duplicates
    assert {r.state for r in rows} == {"sent"}
    assert len(received[1].messages()) == LEADS // 2 * 3
