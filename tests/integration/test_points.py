"""The points ledger: written by pick and feedback, a leaderboard per territory, MDF
conversion at the configured rate, every change audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import col, select

from mailflow.actions import ledger, unit
from mailflow.actions.errors import NotAllowed
from mailflow.actions.leads.feedback import feedback
from mailflow.actions.leads.pick import pick
from mailflow.actions.partners.points import convert_points
from mailflow.clock import Clock
from mailflow.models import Event, OrgAssignment, PointsEntry, Territory
from mailflow.models.schemas import FeedbackIn
from mailflow.queries import visibility
from mailflow.runtime import Runtime
from tests.factories import World

ALL = visibility.Viewer("admin", organization_id=0, offered_too=True)


def _pick(
    rt: Runtime, world: World, temperature: str, org_id: int | None = None
) -> tuple[int, int, int]:
    _, offers = world.offered_lead(temperature=temperature)
    offer = next(o for o in offers if org_id in (None, o.organization_id))
    contact = world.contacts(offer.organization_id)[0]
    assert offer.id is not None and contact.id is not None
    with unit(rt, f"contact:{contact.id}", "web") as ctx:
        pick(ctx, offer.id, contact.id)
    return offer.organization_id, offer.id, contact.id


def test_picking_and_reporting_write_the_ledger_and_the_audit_log(
    rt: Runtime, world: World, clock: Clock
) -> None:
    world.partner("Stuttgart")
    org, offer_id, contact_id = _pick(rt, world, "cold")
    clock.advance(hours=2)
    with unit(rt, f"contact:{contact_id}", "web") as ctx:
        feedback(ctx, offer_id, contact_id, FeedbackIn(stage="contacted"))
    clock.advance(days=5)
    with unit(rt, f"contact:{contact_id}", "web") as ctx:
        feedback(ctx, offer_id, contact_id, FeedbackIn(stage="won", amount=Decimal("9000")))
    with rt.db.read() as s:
        kinds = [e.kind for e in s.exec(select(PointsEntry).order_by(col(PointsEntry.id)))]
        audited = s.exec(select(Event).where(Event.kind == "points.awarded")).all()
        total = ledger.balance(s, org)
    assert kinds == ["pick", "cold_bonus", "feedback", "fast_feedback", "feedback", "won"]
    assert total == 30 + 10 + 5 + 5 + 5 + 25
    assert len(audited) == len(kinds)


def test_the_leaderboard_ranks_the_partners_of_one_territory(rt: Runtime, world: World) -> None:
    a = world.partner("Stuttgart", name="Alpha")
    b = world.partner("Stuttgart", name="Beta")
    with rt.db.transaction() as s:
        north = Territory(name="North", country="DE", created_at=rt.clock.now())
        s.add(north)
        s.flush()
        s.add(OrgAssignment(organization_id=a.id, territory_id=north.id))  # type: ignore[arg-type]
    _pick(rt, world, "hot", a.id)
    _pick(rt, world, "cold", b.id)
    with rt.db.read() as s:
        board = ledger.leaderboard(s, ALL, territory_id=north.id)
        everyone = ledger.leaderboard(s, ALL)
    assert [(r["name"], r["points"]) for r in board] == [("Alpha", 10)]
    assert [(r["rank"], r["name"], r["points"]) for r in everyone] == [
        (1, "Beta", 40),
        (2, "Alpha", 10),
    ]


def test_points_convert_to_mdf_budget_at_the_configured_rate(rt: Runtime, world: World) -> None:
    world.partner("Stuttgart")
    org, _, _ = _pick(rt, world, "cold")
    rt.settings = rt.settings.with_(points_mdf_rate=2.5)
    with unit(rt, "console:1", "console") as ctx:
        row = convert_points(ctx, org, 30)
    assert row.mdf_amount == Decimal("75.00")
    with pytest.raises(NotAllowed), unit(rt, "console:1", "console") as ctx:
        convert_points(ctx, org, 11)
    with rt.db.read() as s:
        assert ledger.balance(s, org) == 10
        event = s.exec(select(Event).where(Event.kind == "points.converted")).one()
    assert event.data["mdf_amount"] == "75.00" and event.data["balance"] == 10


def test_two_conversions_at_once_never_spend_the_same_points(rt: Runtime, world: World) -> None:
    """Ten conversions of the whole balance race each other: one wins, nine are refused
    (without the row lock, PostgreSQL let several read the same balance and all spend it)."""
    import threading

    world.partner("Stuttgart")
    org, _, _ = _pick(rt, world, "cold")  # 40 points
    barrier = threading.Barrier(10)
    results: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        barrier.wait()
        try:
            with unit(rt, "console:1", "console") as ctx:
                convert_points(ctx, org, 40)
            outcome = "converted"
        except NotAllowed:
            outcome = "refused"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["converted"] + ["refused"] * 9
    with rt.db.read() as s:
        assert ledger.balance(s, org) == 0
