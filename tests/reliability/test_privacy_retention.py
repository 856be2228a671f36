"""Retention settings purge what holds personal data once it is old enough, through the
scheduled jobs: raw inbound messages and their parsed text (MAILFLOW_INBOUND_RETENTION_DAYS),
outbox contexts and webhook payloads (MAILFLOW_OUTBOX_RETENTION_DAYS). Younger data, and
messages still waiting for a person, stay; the facts (states, kinds, Message-IDs) stay."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.console.webhook import register_webhook
from mailflow.actions.inbound.store import store_raw
from mailflow.actions.outbound import outbox
from mailflow.inbound.process import process
from mailflow.jobs.broker import JobQueue, connect
from mailflow.mail.capture import MailCapture
from mailflow.models import InboundEmail, OutboundEmail, WebhookDelivery
from mailflow.models.api_schemas import WebhookIn
from mailflow.runtime import Runtime
from tests.conftest import make_settings
from tests.factories import LEAD_DEFAULTS, World
from tests.mail import reply

CUSTOMER = LEAD_DEFAULTS["customer_email"]


@pytest.fixture
def short(tmp_path: Path, db_url: str) -> Iterator[Runtime]:
    settings = make_settings(
        tmp_path,
        db_url,
        inbound_retention_days="30",
        outbox_retention_days="60",
        webhook_allow_private="true",  # the owner's CRM on this machine
    )
    rt = Runtime(settings)
    yield rt
    rt.close()


@pytest.fixture
def jobs(short: Runtime) -> Iterator[JobQueue]:
    capture = MailCapture().start()
    short.use_smtp(capture.url)
    queue = connect(short, worker_threads=1)
    yield queue
    queue.stop()
    capture.stop()


def _inbound(rt: Runtime) -> list[InboundEmail]:
    with rt.db.read() as s:
        return list(s.exec(select(InboundEmail).order_by(col(InboundEmail.id))))


def _run(queue: JobQueue, *names: str) -> None:
    for name in names:
        queue.send(name)
    queue.drain()


def test_retention_purges_old_personal_data_and_keeps_the_rest(
    short: Runtime, jobs: JobQueue
) -> None:
    rt, world = short, World(short)
    world.partner("Stuttgart")
    world.partner("Ulm")
    lead = world.lead()
    jobs.drain()  # the distribute job offers it
    offers = world.offers(lead.id)
    owner = world.contacts(offers[0].organization_id)[0]
    with unit(rt, "test", "api") as ctx:
        register_webhook(
            ctx,
            owner.organization_id,
            WebhookIn(url="http://127.0.0.1:9/h", events=["lead.picked"]),
        )
    key = rt.reply_key(offers[0].id, owner.id)  # type: ignore[arg-type]
    to = f"reply+{key}@{rt.settings.inbound_domain}"
    quoting = reply(f"pick\n\n> {CUSTOMER}", to=to, sender=owner.email, subject=f"Re: {CUSTOMER}")
    old = store_raw(rt, quoting, channel="smtp", mail_from=owner.email, rcpt_to=[])
    assert (outcome := process(rt, old)) is not None and outcome.state == "applied"
    waiting = store_raw(rt, b"From: x@y.example\r\n\r\n?", channel="smtp", mail_from="", rcpt_to=[])
    assert (outcome := process(rt, waiting)) is not None and outcome.state == "review"
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))
    jobs.drain()
    with rt.db.read() as s:
        day_0 = {e.id for e in s.exec(select(OutboundEmail))}
    with rt.db.transaction() as s:  # the webhook call was made long ago
        for delivery in s.exec(select(WebhookDelivery)):
            delivery.state = "delivered"
    assert CUSTOMER in str(_inbound(rt)[0].outcome) and _inbound(rt)[0].raw

    rt.clock.advance(days=31)
    young = store_raw(rt, reply("pick", to=to, sender=owner.email), channel="smtp",
                      mail_from=owner.email, rcpt_to=[])  # fmt: skip
    process(rt, young)
    _run(jobs, "sweep_inbound", "purge_retention")
    first, review, recent = _inbound(rt)
    assert first.raw is None and CUSTOMER not in str(first.outcome)
    assert first.state == "applied" and first.outcome["reason"]  # the facts stay
    assert review.raw is not None  # a person still has to look at it
    assert recent.raw is not None  # younger than the retention
    with rt.db.read() as s:
        details = s.exec(select(OutboundEmail).where(OutboundEmail.kind == "details")).all()
        deliveries = s.exec(select(WebhookDelivery)).all()
    assert details and all(CUSTOMER in str(e.context) for e in details)  # not old enough yet
    assert deliveries and all(CUSTOMER in str(d.payload) for d in deliveries)

    rt.clock.advance(days=30)  # 61 days after the pick
    _run(jobs, "purge_retention")
    with rt.db.read() as s:
        emails = s.exec(select(OutboundEmail)).all()
        deliveries = s.exec(select(WebhookDelivery)).all()
    assert all(e.context == {"purged": True} for e in emails if e.id in day_0)
    assert all(e.message_id and e.state == "sent" for e in emails)  # threading still works
    for d in deliveries:
        assert CUSTOMER not in str(d.payload)
        assert d.payload["type"] == "lead.picked" and d.payload["id"].startswith("evt_")
    assert lead.id is not None


def test_a_customer_who_writes_purged_is_purged_too(short: Runtime) -> None:
    """The purge asks the JSON for ``"purged": true``; a value that merely contains the word
    (its text form matched ``%"purged"%`` before) no longer keeps the data forever."""
    from datetime import timedelta

    from mailflow.actions.leads import retention
    from mailflow.models import OutboundEmail

    old = short.clock.now() - timedelta(days=61)
    with short.db.transaction() as s:
        for n, context in enumerate(({"lead": {"requirement": 'say "purged"'}}, {"x": "purged"})):
            s.add(
                OutboundEmail(
                    kind="details",
                    to_addr="p@partner.test",
                    message_id=f"<purge-{n}@mailflow.test>",
                    state="sent",
                    context=context,
                    created_at=old,
                )
            )
    assert retention.purge_outbox(short) == 2
    assert retention.purge_outbox(short) == 0  # purged rows are found as purged
    with short.db.read() as s:
        contexts = [e.context for e in s.exec(select(OutboundEmail))]
    assert contexts == [retention.PURGED, retention.PURGED]
