"""Web Push beside the email: a partner's installed app gets new offers and "did you mean"
questions, encrypted for its browser and signed with our VAPID key; the email goes out
whatever the push service does."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import select

from mailflow.actions.outbound import outbox, push
from mailflow.jobs.broker import JobQueue
from mailflow.links.claims import LinkClaim
from mailflow.mail.capture import MailCapture
from mailflow.models import Contact, Event, OutboundEmail, PushSubscription
from mailflow.push import keys
from mailflow.push.send import PushError
from mailflow.runtime import Runtime
from tests.factories import LEAD_DEFAULTS, World
from tests.inbound.conftest import Offered
from tests.mail import reply
from tests.push.service import Device, PushService, vapid_claims

UNSURE = "Vielleicht nehmen wir ihn."  # a pick, not said plainly enough to act on


def _portal(rt: Runtime, contact: Contact) -> str:
    assert contact.id is not None
    return "/a/" + rt.signer.sign(LinkClaim(0, contact.id, "portal"))


@dataclass
class Subscriber:
    """A German partner's contact, whose browsers subscribe through its own page's link."""

    rt: Runtime
    client: Any
    contact: Contact

    def subscribe(self, endpoint: str) -> Device:
        device = Device(endpoint)
        page = _portal(self.rt, self.contact)
        answer = self.client.post(f"{page}/push/subscribe", json=device.subscription())
        assert answer.status_code == 201, answer.get_data(as_text=True)
        return device


@pytest.fixture
def partner(rt: Runtime, world: World, client: Any) -> Subscriber:
    org = world.partner("Stuttgart", language="de")
    assert org.id is not None
    return Subscriber(rt, client, world.contacts(org.id)[0])


def _subscriptions(rt: Runtime) -> list[PushSubscription]:
    with rt.db.read() as s:
        return list(s.exec(select(PushSubscription)))


def _link(mail_html: str, action: str) -> str:
    found = re.search(rf'href="([^"]+)"[^>]*data-action="{action}"', mail_html)
    assert found, f"the email has a {action} link"
    return found.group(1).replace("&amp;", "&")


def test_a_new_offer_reaches_each_subscribed_browser_encrypted_in_the_partners_language(
    rt: Runtime,
    world: World,
    partner: Subscriber,
    queue: JobQueue,
    smtp: MailCapture,
    push_service: PushService,
) -> None:
    phone = partner.subscribe(f"{push_service.origin}/p/1")
    laptop = partner.subscribe(f"{push_service.origin}/p/2")

    world.offered_lead()
    queue.drain()

    [email] = smtp.messages()  # the email, as ever
    assert sorted(m.path for m in push_service.received) == ["/p/1", "/p/2"]
    public = keys.public_key(keys.private_key(rt.settings))
    for device in (phone, laptop):
        message = next(m for m in push_service.received if device.endpoint.endswith(m.path))
        claims = vapid_claims(message, public)
        assert claims["aud"] == push_service.origin
        now = rt.clock.now().timestamp()
        assert now < claims["exp"] <= now + 24 * 3600
        assert claims["sub"] == "mailto:leads@nordwind.test"
        note = device.read(message)
        assert note["lang"] == "de"
        assert note["title"] == "Neues Lead-Angebot"
        assert note["url"] == _link(email.part("html"), "pick")  # the email's own link
        text = str(note)
        for private in ("customer_name", "customer_email", "customer_phone", "customer_street"):
            assert LEAD_DEFAULTS[private] not in text
        assert LEAD_DEFAULTS["customer_company"] not in text
    assert all(s.last_success_at is not None for s in _subscriptions(rt))


def test_a_did_you_mean_question_is_pushed_with_the_link_of_its_likeliest_reading(
    rt: Runtime,
    world: World,
    partner: Subscriber,
    queue: JobQueue,
    smtp: MailCapture,
    push_service: PushService,
) -> None:
    contact = partner.contact
    lead, [offer] = world.offered_lead()
    queue.drain()
    device = partner.subscribe(f"{push_service.origin}/p/1")
    smtp.clear()
    key = rt.reply_key(offer.id, contact.id)  # type: ignore[arg-type]
    raw = reply(UNSURE, to=f"reply+{key}@{rt.settings.inbound_domain}", sender=contact.email)
    assert Offered(rt, world, lead, [offer], [contact]).deliver(raw) == "asked"
    queue.drain()

    [question] = smtp.messages()
    assert question.message["X-Mailflow-Kind"] == "did_you_mean"
    [message] = push_service.received
    note = device.read(message)
    assert note["title"] == "Meinten Sie …?"
    first_choice = re.findall(r'href="(http[^"]+/r/[^"]+)"', question.part("html"))[0]
    assert note["url"] == first_choice
    assert UNSURE not in str(note)  # the partner's words stay in the email


def test_a_subscription_the_push_service_says_is_gone_is_removed(
    rt: Runtime,
    world: World,
    partner: Subscriber,
    queue: JobQueue,
    smtp: MailCapture,
    push_service: PushService,
) -> None:
    partner.subscribe(f"{push_service.origin}/p/1")
    push_service.status = 410

    world.offered_lead()
    queue.drain()

    assert len(push_service.received) == 1  # tried once, not retried
    assert _subscriptions(rt) == []
    assert len(smtp.messages()) == 1
    with rt.db.read() as s:
        gone = s.exec(select(Event).where(Event.kind == "push.gone")).one()
    assert gone.data["contact_id"] == partner.contact.id


def test_the_email_goes_out_when_the_push_service_is_down_and_the_push_is_retried(
    rt: Runtime, world: World, partner: Subscriber, smtp: MailCapture
) -> None:
    with socket.socket() as spare:  # a port where nothing listens
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    partner.subscribe(f"http://127.0.0.1:{port}/p/1")

    world.offered_lead()  # no job queue here: the test runs each job itself
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))
    assert len(smtp.messages()) == 1

    [subscription] = _subscriptions(rt)
    with rt.db.read() as s:
        email_id = s.exec(select(OutboundEmail.id)).one()
    assert subscription.id is not None and email_id is not None
    with pytest.raises(PushError):  # raised, so the job queue retries it
        push.deliver(rt, subscription.id, email_id)
    [kept] = _subscriptions(rt)
    assert kept.last_failure_at is not None and kept.last_success_at is None
    assert "unreachable" in (kept.last_error or "")
