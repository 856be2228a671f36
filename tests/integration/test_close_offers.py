"""One close for offers, on SQLite and PostgreSQL: only offers still open close, each
with its event, and the rows in the session show what the database did."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions._offers import by_ids, close_offers
from mailflow.models import Event, Offer, OfferState
from mailflow.runtime import Runtime
from tests.factories import World


def test_only_offers_still_open_close_and_each_close_is_audited(rt: Runtime, world: World) -> None:
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city)
    lead, offers = world.offered_lead()
    first, second, third = sorted(o.id for o in offers)  # type: ignore[type-var]
    with unit(rt, "test", "job") as ctx:
        loaded = {o.id: o for o in ctx.session.exec(select(Offer).where(Offer.lead_id == lead.id))}
        # another writer declined the second one after this session read it as open
        ctx.session.connection().execute(
            text("UPDATE offer SET state = 'declined' WHERE id = :id"), {"id": second}
        )
        closed = close_offers(
            ctx, OfferState.WITHDRAWN, col(Offer.lead_id) == lead.id, reason="x" * 600
        )
        assert [o.id for o in closed] == [first, third]
        assert loaded[first].state == "withdrawn" and loaded[first].reason == "x" * 500
        assert loaded[second].state == "open"  # the session's stale copy: left alone
        assert loaded[first].remind_at is None and loaded[first].responded_at == ctx.now
        again = close_offers(ctx, OfferState.EXPIRED, by_ids(first, second, third))
        assert again == []
    with rt.db.read() as s:
        states = {o.id: o.state for o in s.exec(select(Offer).where(Offer.lead_id == lead.id))}
        events = s.exec(
            select(Event).where(Event.lead_id == lead.id, col(Event.kind).startswith("offer."))
        ).all()
    assert states == {first: "withdrawn", second: "declined", third: "withdrawn"}
    closes = [
        (e.kind, e.offer_id, e.from_state, e.to_state) for e in events if e.to_state != "open"
    ]
    assert closes == [
        ("offer.withdrawn", first, "open", "withdrawn"),
        ("offer.withdrawn", third, "open", "withdrawn"),
    ]
    assert all(e.data["ring"] == 1 for e in events if e.to_state == "withdrawn")
