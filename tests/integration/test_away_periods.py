"""Away periods planned on the profile page: a colleague gets the offers meanwhile, or the
partner pauses offers; either holds from the first day to the last and no longer."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.errors import NotFound
from mailflow.actions.partners.away import mark_away
from mailflow.actions.partners.away_periods import PlannedAway, add_away_period
from mailflow.clock import Clock
from mailflow.jobs.sweeps import sweep_away
from mailflow.links.claims import ProfileClaim
from mailflow.models import AwayPeriod, Contact, Event, Offer, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World


def _team(rt: Runtime, world: World) -> tuple[int, Contact, Contact]:
    """A partner whose first contact gets offers and whose second does not."""
    org = world.partner("Stuttgart", contacts=2, territory=["DE-7"])
    anna, ben = world.contacts(org.id)  # type: ignore[arg-type]
    with rt.db.transaction() as s:
        row = s.get(Contact, ben.id)
        assert row is not None
        row.receives_offers = False
    assert org.id is not None
    return org.id, anna, ben


def _offered_to(rt: Runtime, lead_id: int | None) -> set[str]:
    with rt.db.read() as s:
        rows = s.exec(
            select(OutboundEmail.to_addr).where(
                OutboundEmail.lead_id == lead_id, OutboundEmail.kind == "offer"
            )
        )
        return set(rows)


def _plan(rt: Runtime, by: Contact, plan: PlannedAway) -> None:
    assert by.id is not None
    with unit(rt, f"contact:{by.id}", "web") as ctx:
        add_away_period(ctx, by.id, plan)


def _today(clock: Clock) -> date:
    return clock.now().date()


def test_an_away_period_stops_offers_and_the_colleague_gets_them(
    rt: Runtime, world: World, clock: Clock
) -> None:
    clock.set(clock.now().replace(hour=10))
    _, anna, ben = _team(rt, world)
    today = _today(clock)
    _plan(rt, anna, PlannedAway(anna.id, today, today + timedelta(days=6), ben.id))  # type: ignore[arg-type]
    lead, offers = world.offered_lead()
    assert len(offers) == 1
    assert _offered_to(rt, lead.id) == {ben.email}

    clock.advance(days=8)  # the period is over: the offers go to Anna again
    later, _ = world.offered_lead()
    assert _offered_to(rt, later.id) == {anna.email}


def test_pause_offers_leaves_the_partner_out_until_the_period_ends(
    rt: Runtime, world: World, clock: Clock
) -> None:
    clock.set(clock.now().replace(hour=10))
    paused, anna, _ = _team(rt, world)
    other = world.partner("Ulm")
    today = _today(clock)
    _plan(
        rt, anna, PlannedAway(anna.id, today + timedelta(days=1), today + timedelta(days=2), None)
    )  # type: ignore[arg-type]
    _, before = world.offered_lead()  # not begun yet
    assert paused in {o.organization_id for o in before}

    clock.advance(days=1)
    _, during = world.offered_lead()
    assert [o.organization_id for o in during] == [other.id]

    clock.advance(days=2)
    _, after = world.offered_lead()
    assert paused in {o.organization_id for o in after}


def test_the_page_plans_and_ends_a_period_with_audited_actions(
    rt: Runtime, world: World, client: Any, clock: Clock
) -> None:
    _, anna, ben = _team(rt, world)
    path = rt.signer.path(ProfileClaim(anna.id))  # type: ignore[arg-type]
    today = _today(clock)
    form = {
        "section": "away",
        "away": str(anna.id),
        "first_day": today.isoformat(),
        "last_day": (today + timedelta(days=3)).isoformat(),
        "mode": "colleague",
        "stand_in": str(ben.id),
    }
    answer = client.post(path, data=form)
    assert answer.status_code == 200
    assert f"{ben.name} takes over the offers." in answer.get_data(as_text=True)
    with rt.db.read() as s:
        period = s.exec(select(AwayPeriod)).one()
    assert (period.contact_id, period.stand_in_id) == (anna.id, ben.id)

    ended = client.post(path, data={"section": "away_end", "period": str(period.id)})
    assert ended.status_code == 200
    assert "No away periods planned." in ended.get_data(as_text=True)
    with rt.db.read() as s:
        kinds = s.exec(
            select(Event.kind).where(col(Event.kind).like("organization.away_period%"))
        ).all()
        assert sorted(kinds) == ["organization.away_period", "organization.away_period_ended"]


@pytest.mark.parametrize(
    ("days", "stand_in", "words"),
    [
        ((3, 1), "ben", "The last day comes before the first."),
        ((0, 2), "anna", "The colleague who takes over must be someone else."),
        ((-5, -2), "ben", "This period is over already."),
    ],
)
def test_a_period_that_makes_no_sense_is_refused(
    rt: Runtime, world: World, client: Any, clock: Clock, days: tuple[int, int], stand_in: str,
    words: str,
) -> None:  # fmt: skip
    _, anna, ben = _team(rt, world)
    today = _today(clock)
    form = {
        "section": "away",
        "away": str(anna.id),
        "first_day": (today + timedelta(days=days[0])).isoformat(),
        "last_day": (today + timedelta(days=days[1])).isoformat(),
        "mode": "colleague",
        "stand_in": str({"anna": anna, "ben": ben}[stand_in].id),
    }
    answer = client.post(rt.signer.path(ProfileClaim(anna.id)), data=form)  # type: ignore[arg-type]
    assert answer.status_code == 422
    assert words in answer.get_data(as_text=True)
    with rt.db.read() as s:
        assert s.exec(select(AwayPeriod)).all() == []


def test_only_a_confirmed_colleague_of_the_same_partner_takes_over(
    rt: Runtime, world: World
) -> None:
    _, anna, ben = _team(rt, world)
    stranger = world.contacts(world.partner("Ulm").id)[0]  # type: ignore[arg-type]
    today = date.today()
    with pytest.raises(NotFound):
        _plan(rt, anna, PlannedAway(anna.id, today, today, stranger.id))  # type: ignore[arg-type]
    with rt.db.transaction() as s:
        invited = s.get(Contact, ben.id)
        assert invited is not None
        invited.invited_by_id = anna.id  # invited, not confirmed yet
    with pytest.raises(NotFound):
        _plan(rt, anna, PlannedAway(anna.id, today, today, ben.id))  # type: ignore[arg-type]


def test_a_pause_planned_after_the_pool_was_built_holds_for_the_next_lead(
    rt: Runtime, world: World, clock: Clock
) -> None:
    clock.set(clock.now().replace(hour=10))
    paused, anna, _ = _team(rt, world)
    other = world.partner("Ulm")
    _, first = world.offered_lead()  # the partner pool is built and cached here
    assert paused in {o.organization_id for o in first}
    today = _today(clock)
    _plan(rt, anna, PlannedAway(anna.id, today, today, None))  # type: ignore[arg-type]
    _, during = world.offered_lead()
    assert [o.organization_id for o in during] == [other.id]


def _offer_state(rt: Runtime, offer_id: int | None) -> str:
    with rt.db.read() as s:
        offer = s.get(Offer, offer_id)
        assert offer is not None
        return offer.state


def _events(rt: Runtime, kind: str) -> list[Event]:
    with rt.db.read() as s:
        return list(s.exec(select(Event).where(Event.kind == kind).order_by(col(Event.id))))


def test_a_pause_that_begins_later_moves_the_offers_open_then_on_once(
    rt: Runtime, world: World, clock: Clock
) -> None:
    clock.set(clock.now().replace(hour=10))
    paused, anna, _ = _team(rt, world)
    world.partner("Ulm")
    lead, offers = world.offered_lead()
    mine = next(o for o in offers if o.organization_id == paused)
    today = _today(clock)
    _plan(
        rt, anna, PlannedAway(anna.id, today + timedelta(days=1), today + timedelta(days=3), None)
    )  # type: ignore[arg-type]
    assert sweep_away(rt) == 0  # not begun: the offer stays open to the partner
    assert _offer_state(rt, mine.id) == "open"

    clock.advance(days=1)
    assert sweep_away(rt) == 1
    assert _offer_state(rt, mine.id) == "away"
    assert world.reload(lead).state == "offered"  # the other partner of the ring holds it
    (started,) = _events(rt, "organization.away_period_started")
    assert started.data["offers"] == [mine.id] and started.organization_id == paused
    assert [e.offer_id for e in _events(rt, "offer.away")] == [mine.id]
    assert sweep_away(rt) == 0  # handed on once


def test_a_pause_that_begins_now_moves_the_last_open_offer_to_the_next_ring(
    rt: Runtime, world: World, clock: Clock
) -> None:
    clock.set(clock.now().replace(hour=10))
    paused, anna, _ = _team(rt, world)
    lead, (offer,) = world.offered_lead()
    assert offer.organization_id == paused
    other = world.partner("Ulm")
    today = _today(clock)
    _plan(rt, anna, PlannedAway(anna.id, today, today + timedelta(days=2), None))  # type: ignore[arg-type]
    assert _offer_state(rt, offer.id) == "away"
    assert {o.organization_id: o.state for o in world.offers(lead.id)} == {  # type: ignore[arg-type]
        paused: "away",
        other.id: "open",
    }


def test_the_colleague_who_takes_over_gets_the_offers_open_at_the_start(
    rt: Runtime, world: World, clock: Clock
) -> None:
    clock.set(clock.now().replace(hour=10))
    _, anna, ben = _team(rt, world)
    lead, (offer,) = world.offered_lead()
    assert _offered_to(rt, lead.id) == {anna.email}
    today = _today(clock)
    _plan(rt, anna, PlannedAway(anna.id, today, today + timedelta(days=4), ben.id))  # type: ignore[arg-type]
    assert _offered_to(rt, lead.id) == {anna.email, ben.email}
    assert _offer_state(rt, offer.id) == "open"  # still the partner's to pick
    (handed,) = _events(rt, "offer.handed_over")
    assert handed.offer_id == offer.id and handed.data["stand_in_id"] == ben.id
    assert sweep_away(rt) == 0
    assert len(_events(rt, "offer.handed_over")) == 1


def test_out_of_office_replies_extend_the_contacts_pause_instead_of_adding_one(
    rt: Runtime, world: World, clock: Clock
) -> None:
    clock.set(clock.now().replace(hour=10))
    paused, anna, _ = _team(rt, world)
    _, (offer,) = world.offered_lead()
    now = clock.now()
    for days in (3, 6, 2):  # three replies: the one period ends at the latest date named
        with unit(rt, f"contact:{anna.id}", "email") as ctx:
            mark_away(ctx, offer.id, now + timedelta(days=days), anna.id)  # type: ignore[arg-type]
    with rt.db.read() as s:
        (period,) = s.exec(select(AwayPeriod).where(AwayPeriod.organization_id == paused)).all()
    assert period.contact_id == anna.id and period.stand_in_id is None
    assert period.ends_at == now + timedelta(days=6)
    assert _offer_state(rt, offer.id) == "away"
    assert len(_events(rt, "organization.away_period")) == 1
    assert len(_events(rt, "organization.away_period_extended")) == 1
