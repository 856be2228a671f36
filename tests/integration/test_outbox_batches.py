"""The outbox claims and finishes rows in batches and still sends each row exactly once."""

from __future__ import annotations

import threading
from typing import Any

from sqlmodel import select

from mailflow.actions.outbound import outbox
from mailflow.mail.capture import MailCapture
from mailflow.models import OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World


def _ids(rt: Runtime) -> list[int]:
    with rt.db.read() as s:
        return [e.id for e in s.exec(select(OutboundEmail)) if e.id is not None]


def test_two_workers_dispatching_the_same_batch_send_each_email_once(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    for city in ("Stuttgart", "Ulm", "Augsburg", "Karlsruhe"):
        world.partner(city, contacts=3)
    world.offered_lead()
    ids = _ids(rt)
    assert len(ids) >= 9
    counts: list[int] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        barrier.wait()
        counts.append(outbox.dispatch(rt, ids, batch=4))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == len(ids)
    message_ids = [m.message["Message-ID"] for m in smtp.messages()]
    assert len(message_ids) == len(set(message_ids)) == len(ids)
    with rt.db.read() as s:
        states = {e.state for e in s.exec(select(OutboundEmail))}
    assert states == {"sent"}


def test_a_bad_address_fails_alone_and_the_rest_of_the_batch_is_sent(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    world.partner("Stuttgart", contacts=3)
    world.offered_lead()
    with rt.db.transaction() as s:
        row = s.exec(select(OutboundEmail).order_by(OutboundEmail.id)).first()  # type: ignore[arg-type]
        assert row is not None
        row.to_addr = "not an address"
        bad_id = row.id
    assert outbox.dispatch(rt, _ids(rt)) == 2
    with rt.db.read() as s:
        rows = {e.id: e for e in s.exec(select(OutboundEmail))}
    assert rows[bad_id].state == "failed" and "not a usable email address" in (
        rows[bad_id].last_error or ""
    )
    assert sorted(e.state for i, e in rows.items() if i != bad_id) == ["sent", "sent"]
    assert all(e.sent_at is not None for i, e in rows.items() if i != bad_id)


def test_the_renderer_reads_active_versions_once_not_per_email(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    from sqlalchemy import event

    world.partner("Stuttgart", contacts=3)
    world.partner("Ulm", contacts=3)
    world.offered_lead()
    rt.renderer.invalidate()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(rt.db.engine, "before_cursor_execute", count)
    try:
        assert outbox.dispatch(rt, _ids(rt)) == 6
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # claim's reload, recipients, active templates, published wordings, brands,
    # organizations, the outbound connection's status row: not per email
    assert len(selects) <= 8, selects
    assert sum("emailtemplate" in s.lower() for s in statements) == 1


class _RefusingRelay:
    """A real aiosmtpd relay that answers 451 at the end of DATA for one recipient."""

    def __init__(self, refuse: str) -> None:
        self.refuse = refuse
        self.accepted: list[tuple[str, bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        if self.refuse in envelope.rcpt_tos:
            return "451 4.3.0 try again later"
        self.accepted.append((envelope.rcpt_tos[0], envelope.original_content))
        return "250 OK"


def test_an_email_the_relay_refuses_after_its_data_stays_queued_and_the_next_still_goes(
    rt: Runtime, world: World
) -> None:
    from aiosmtpd.controller import Controller

    from mailflow.mail.capture import _free_port

    world.partner("Stuttgart", contacts=3)
    world.offered_lead()
    ids = _ids(rt)
    with rt.db.read() as s:
        first = s.get(OutboundEmail, min(ids))
        assert first is not None
    relay = _RefusingRelay(first.to_addr)
    port = _free_port("127.0.0.1")
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        rt.use_smtp(f"smtp://127.0.0.1:{port}")
        assert outbox.dispatch(rt, ids) == 2
    finally:
        controller.stop()
    with rt.db.read() as s:
        rows = {e.id: e for e in s.exec(select(OutboundEmail))}
    refused = rows[min(ids)]
    assert refused.state == "queued" and refused.sent_at is None
    assert "451" in (refused.last_error or "") and refused.next_attempt_at is not None
    assert sorted(e.state for i, e in rows.items() if i != min(ids)) == ["sent", "sent"]
    # the two others arrived once each, whole
    assert sorted(to for to, _ in relay.accepted) == sorted(
        e.to_addr for i, e in rows.items() if i != min(ids)
    )
    assert all(raw.rstrip().endswith(b"--") for _, raw in relay.accepted)


def test_lines_starting_with_a_dot_arrive_unchanged(rt: Runtime, smtp: MailCapture) -> None:
    data = (
        b"From: a@n.example\r\nTo: b@d.example\r\nSubject: dots\r\n\r\n"
        b".starts with a dot\r\n..two dots\r\n.\r\nmiddle . dot\r\n.end"
    )
    rt.sender().send("bounce@n.example", "b@d.example", data)
    [mail] = smtp.messages()
    assert mail.raw.rstrip(b"\r\n") == data
