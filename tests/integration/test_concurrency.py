"""Invariant 1: a lead has at most one owner, however many partners pick at once."""

from __future__ import annotations

import threading
from collections import Counter

from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.leads.pick import pick
from mailflow.models import Contact, Event, Lead, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World

PICKERS = 50


def test_fifty_threads_picking_one_lead_make_exactly_one_owner(rt: Runtime, world: World) -> None:
    partners = [world.partner("Stuttgart") for _ in range(PICKERS)]
    rt.settings = rt.settings.with_(ring_size=PICKERS)  # everybody gets the offer
    lead, offers = world.offered_lead()
    assert len(offers) == PICKERS
    by_org = {o.organization_id: o for o in offers}
    with rt.db.read() as s:
        contacts = {c.organization_id: c.id for c in s.exec(select(Contact))}
    barrier = threading.Barrier(PICKERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(org_id: int) -> None:
        barrier.wait()
        try:
            with unit(rt, f"contact:{contacts[org_id]}", "web") as ctx:
                pick(ctx, by_org[org_id].id, contacts[org_id])  # type: ignore[arg-type]
            result = "won"
        except ActionError as exc:
            result = exc.code
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(p.id,)) for p in partners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(outcomes) == {"won": 1, "taken": PICKERS - 1}
    with rt.db.read() as s:
        fresh = s.get(Lead, lead.id)
        assert fresh is not None and fresh.state == "picked"
        picks = s.exec(
            select(Event).where(Event.lead_id == lead.id, Event.kind == "lead.picked")
        ).all()
        details = s.exec(select(OutboundEmail).where(OutboundEmail.kind == "details")).all()
    assert len(picks) == 1 and len(details) == 1
    assert details[0].contact_id == contacts[fresh.owner_id]  # type: ignore[index]
    states = Counter(o.state for o in world.offers(lead.id))  # type: ignore[arg-type]
    assert states == {"picked": 1, "taken": PICKERS - 1}
