"""Notification preferences: a contact hears of cold leads at once or in a morning or
afternoon digest; hot and warm leads always come at once."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from mailflow.actions.outbound import outbox
from mailflow.clock import Clock
from mailflow.jobs import sweeps
from mailflow.links.claims import LinkClaim, ProfileClaim
from mailflow.mail.capture import MailCapture
from mailflow.models import Contact, DigestItem, Event, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World


def _kinds(rt: Runtime) -> list[str]:
    with rt.db.read() as s:
        return list(s.exec(select(OutboundEmail.kind).order_by(OutboundEmail.id)))


def _digest_partner(rt: Runtime, world: World, client: Any) -> Contact:
    org = world.partner("Stuttgart", language="de")
    contact = world.contacts(org.id)[0]  # type: ignore[arg-type]
    path = rt.signer.path(ProfileClaim(contact.id))  # type: ignore[arg-type]
    answer = client.post(path, data={"section": "delivery", "delivery": "morning"})
    assert answer.status_code == 200
    return contact


def test_cold_leads_wait_for_the_morning_digest_and_arrive_in_one_email(
    rt: Runtime, world: World, client: Any, clock: Clock, smtp: MailCapture
) -> None:
    clock.set(datetime(2026, 12, 8, 15, 0, tzinfo=UTC))  # Tuesday afternoon
    contact = _digest_partner(rt, world, client)
    first, _ = world.offered_lead(temperature="cold")
    second, _ = world.offered_lead(temperature="cold")
    assert "offer" not in _kinds(rt)
    with rt.db.read() as s:
        due = {i.due_at for i in s.exec(select(DigestItem))}
    assert due == {datetime(2026, 12, 9, 6, 30, tzinfo=UTC)}  # 7:30 in Berlin

    assert sweeps.send_offer_digests(rt) == 0  # not due yet
    clock.set(datetime(2026, 12, 9, 6, 31, tzinfo=UTC))
    assert sweeps.send_offer_digests(rt) == 1
    assert sweeps.send_offer_digests(rt) == 0  # each offer once
    with rt.db.read() as s:
        ids = [e.id for e in s.exec(select(OutboundEmail)) if e.id is not None]
    outbox.dispatch(rt, ids)
    [digest] = [m for m in smtp.messages() if m.message["X-Mailflow-Kind"] == "offer_digest"]
    assert digest.to == [contact.email]
    assert "2 neue Leads" in digest.subject
    picks = re.findall(r'href="http://mailflow\.test/a/([^"]+)"', digest.part("html"))
    claims = {rt.signer.read(LinkClaim, t) for t in picks}
    offered = {c.offer_id for c in claims if c.action == "pick"}
    assert offered == {o.id for o in world.offers(first.id) + world.offers(second.id)}
    assert 'data-action="profile"' in digest.part("html")


def test_hot_leads_come_at_once_whatever_the_choice(rt: Runtime, world: World, client: Any) -> None:
    _digest_partner(rt, world, client)
    world.offered_lead(temperature="hot")
    assert _kinds(rt) == ["offer"]
    with rt.db.read() as s:
        assert s.exec(select(DigestItem)).all() == []


def test_an_offer_closed_before_the_digest_is_left_out(
    rt: Runtime, world: World, client: Any, clock: Clock
) -> None:
    clock.set(datetime(2026, 12, 8, 15, 0, tzinfo=UTC))
    contact = _digest_partner(rt, world, client)
    _, [offer] = world.offered_lead(temperature="cold")
    assert offer.id is not None and contact.id is not None
    assert client.post(rt.signer.path(LinkClaim(offer.id, contact.id, "pick"))).status_code == 200
    clock.set(datetime(2026, 12, 9, 7, 0, tzinfo=UTC))
    assert sweeps.send_offer_digests(rt) == 0
    assert "offer_digest" not in _kinds(rt)


def test_the_choice_is_an_audited_contact_change(rt: Runtime, world: World, client: Any) -> None:
    contact = _digest_partner(rt, world, client)
    with rt.db.read() as s:
        saved = s.get(Contact, contact.id)
        assert saved is not None and saved.offer_delivery == "morning"
        event = s.exec(select(Event).where(Event.kind == "contact.updated")).one()
        assert event.data["fields"] == ["offer_delivery"]
    path = rt.signer.path(ProfileClaim(contact.id))  # type: ignore[arg-type]
    assert client.post(path, data={"section": "delivery", "delivery": "weekly"}).status_code == 422
