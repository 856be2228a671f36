"""An offer past its deadline, whatever the sweeps did (the scheduler was down): no
"runs out soon" reminder goes out for it, and a pick or decline by any way in (the
signed-link dialog, an email reply, the API) is refused as expired, the offer expired on
the spot through the same close as the sweep."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from mailflow.actions.outbound import outbox
from mailflow.inbound.process import process
from mailflow.jobs.sweeps import sweep_reminders
from mailflow.models import Event, Lead, Offer, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World
from tests.mail import reply

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _offered_then_late(rt: Runtime, world: World) -> tuple[int, list[Offer]]:
    """A warm lead (12 h to answer) offered to three partners, then 13 hours with no sweep."""
    rt.clock.set(MONDAY_9)
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city)
    lead, offers = world.offered_lead(temperature="warm")
    rt.clock.advance(hours=13)
    assert lead.id is not None
    return lead.id, offers


def _kinds(rt: Runtime, kind: str) -> list[OutboundEmail]:
    with rt.db.read() as s:
        return list(s.exec(select(OutboundEmail).where(OutboundEmail.kind == kind)))


def _states(world: World, lead_id: int) -> dict[int, str]:
    return {o.id: o.state for o in world.offers(lead_id)}  # type: ignore[misc]


def _expired_events(rt: Runtime, offer_id: int | None) -> int:
    with rt.db.read() as s:
        rows = s.exec(
            select(Event).where(Event.kind == "offer.expired", col(Event.offer_id) == offer_id)
        )
        return len(list(rows))


def _expired_on_the_spot(rt: Runtime, world: World, lead_id: int, offer: Offer) -> None:
    states = _states(world, lead_id)
    assert states[offer.id] == "expired"  # type: ignore[index]
    assert set(states.values()) == {"expired"}  # the others were due too: the same close
    assert _expired_event_once(rt, offer)
    with rt.db.read() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None and lead.owner_id is None  # nobody picked it
    assert len(_kinds(rt, "moved_on")) == 3


def _expired_event_once(rt: Runtime, offer: Offer) -> bool:
    return _expired_events(rt, offer.id) == 1


def test_a_catch_up_sends_no_reminder_for_an_offer_past_its_deadline(
    rt: Runtime, world: World
) -> None:
    lead_id, offers = _offered_then_late(rt, world)
    assert sweep_reminders(rt) == 0
    assert _kinds(rt, "offer_reminder") == []
    assert set(_states(world, lead_id).values()) == {"expired"}  # expired first
    assert len(_kinds(rt, "moved_on")) == len(offers)


def test_a_reminder_still_goes_out_before_the_deadline(rt: Runtime, world: World) -> None:
    rt.clock.set(MONDAY_9)
    world.partner("Stuttgart")
    world.offered_lead(temperature="warm")
    rt.clock.advance(hours=10)  # reminder due at 9 h, deadline at 12 h
    assert sweep_reminders(rt) == 1
    assert len(_kinds(rt, "offer_reminder")) == 1


def _link(rt: Runtime, world: World, offer: Offer, action: str) -> str:
    contact = world.contacts(offer.organization_id)[0]
    url = rt.link(offer.id, contact.id, action)  # type: ignore[arg-type]
    return url.removeprefix(rt.settings.base_url)


def test_a_pick_by_the_dialog_after_the_deadline_is_refused_and_expires_the_offer(
    client: Any, rt: Runtime, world: World
) -> None:
    lead_id, offers = _offered_then_late(rt, world)
    answer = client.post(_link(rt, world, offers[0], "pick"))
    assert answer.status_code == 410
    _expired_on_the_spot(rt, world, lead_id, offers[0])
    again = client.post(_link(rt, world, offers[1], "pick"))  # expired already: closed
    assert again.status_code == 410


def test_a_decline_by_the_dialog_after_the_deadline_is_refused_as_expired(
    client: Any, rt: Runtime, world: World
) -> None:
    lead_id, offers = _offered_then_late(rt, world)
    answer = client.post(_link(rt, world, offers[0], "decline"), data={"reason": "no capacity"})
    assert answer.status_code == 410
    _expired_on_the_spot(rt, world, lead_id, offers[0])
    assert _kinds(rt, "decline_ack") == []


def test_a_pick_by_the_api_after_the_deadline_is_refused_as_expired(
    client: Any, rt: Runtime, world: World
) -> None:
    lead_id, offers = _offered_then_late(rt, world)
    key = world.api_key(offers[0].organization_id)
    answer = client.post(
        f"/api/v1/offers/{offers[0].id}/pick",
        json={},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 410
    assert answer.get_json()["state"] == "expired"
    _expired_on_the_spot(rt, world, lead_id, offers[0])


def test_a_pick_by_reply_after_the_deadline_is_refused_and_expires_the_offer(
    rt: Runtime, world: World, smtp: Any
) -> None:
    from mailflow.actions.inbound.store import store_raw

    lead_id, offers = _offered_then_late(rt, world)
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))
    contact = world.contacts(offers[0].organization_id)[0]
    key = rt.reply_key(offers[0].id, contact.id)  # type: ignore[arg-type]
    raw = reply("pick", to=f"reply+{key}@{rt.settings.inbound_domain}", sender=contact.email)
    inbound_id = store_raw(rt, raw, channel="smtp", mail_from="x@y", rcpt_to=[])
    outcome = process(rt, inbound_id)
    assert outcome is not None and outcome.state == "refused"
    _expired_on_the_spot(rt, world, lead_id, offers[0])
    assert len(_kinds(rt, "reply_confirmation")) == 1  # the partner reads why
