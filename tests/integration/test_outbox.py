"""Emails leave through the outbox over real SMTP (an aiosmtpd sink), once each."""

from __future__ import annotations

from sqlmodel import select

from mailflow.actions.outbound import outbox
from mailflow.mail.capture import MailCapture
from mailflow.models import OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World


def _ids(rt: Runtime) -> list[int]:
    with rt.db.read() as s:
        return [e.id for e in s.exec(select(OutboundEmail))]  # type: ignore[misc]


def test_queued_offers_are_sent_over_smtp_threaded_per_lead(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    for city in ("Stuttgart", "Ulm"):
        world.partner(city, contacts=2)
    lead, _ = world.offered_lead()
    assert outbox.dispatch(rt, _ids(rt)) == 4
    mails = smtp.messages()
    assert len(mails) == 4
    for mail in mails:
        msg = mail.message
        assert msg["References"] == f"<lead-{lead.id}@reply.mailflow.test>"
        assert msg["Reply-To"].startswith("reply+")
        assert msg["Auto-Submitted"] == "auto-generated"
        assert msg["X-Auto-Response-Suppress"] == "All"
        assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None
    assert len({m.message["Message-ID"] for m in mails}) == 4


def test_a_row_is_sent_once_even_when_dispatched_twice(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    world.partner("Stuttgart")
    world.offered_lead()
    ids = _ids(rt)
    assert outbox.dispatch(rt, ids) == 1
    assert outbox.dispatch(rt, ids) == 0
    assert len(smtp.messages()) == 1


def test_a_relay_outage_keeps_the_email_queued_for_the_sweep(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    world.partner("Stuttgart")
    world.offered_lead()
    smtp_url = smtp.url
    smtp.stop()
    assert outbox.dispatch(rt, _ids(rt)) == 0
    with rt.db.read() as s:
        row = s.exec(select(OutboundEmail)).one()
    assert row.state == "queued" and row.attempts == 1 and "unreachable" in (row.last_error or "")
    assert outbox.due_ids(rt, rt.clock.now()) == []  # backing off
    rt.clock.advance(minutes=2)
    revived = MailCapture(port=int(smtp_url.rsplit(":", 1)[1])).start()
    try:
        rt.use_smtp(revived.url)
        assert outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now())) == 1
        assert len(revived.messages()) == 1
    finally:
        revived.stop()


def test_a_crash_after_the_claim_is_re_sent_by_the_sweep(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    world.partner("Stuttgart")
    world.offered_lead()
    [email_id] = _ids(rt)
    assert outbox._claim(rt, email_id) is not None  # a worker claimed it and died
    assert outbox.due_ids(rt, rt.clock.now()) == []
    rt.clock.advance(minutes=11)
    assert outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now())) == 1
    assert len(smtp.messages()) == 1
