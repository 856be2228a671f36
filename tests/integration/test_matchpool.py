"""The cached partner pool never ranks on stale data, on SQLite and PostgreSQL: a partner
edit, an away period, a contact that bounces, a stats refresh and a picked lead all show in
the very next ranking; nothing changed, the same pool is reused; and every active partner
is ranked, however far away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text, update

from mailflow.actions import unit
from mailflow.actions.leads.pick import pick
from mailflow.actions.partners.save import save_partner
from mailflow.actions.partners.stats import refresh_partner_stats
from mailflow.models import Contact, Lead, Organization, PartnerStats
from mailflow.models.api_schemas import PartnerIn
from mailflow.queries.matching_input import explain_lead
from mailflow.rules.matching.ranking import Ranking
from mailflow.runtime import Runtime
from tests.factories import World


def _rank(rt: Runtime, lead_id: int, ring_size: int = 3) -> Ranking:
    with rt.db.read() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        return explain_lead(s, lead, rt.clock.now(), ring_size)


def _why(ranking: Ranking, org_id: int) -> str | None:
    return next((why for c, why in ranking.excluded if c.organization_id == org_id), None)


def _row(ranking: Ranking, org_id: int) -> dict[str, tuple[float, float, str]]:
    return next(s.parts for s in ranking.ranked if s.candidate.organization_id == org_id)


def test_nothing_changed_the_pool_is_reused_and_a_partner_edit_shows_at_once(
    rt: Runtime, world: World
) -> None:
    a = world.partner("Stuttgart", product_lines=["Boiler"])
    world.partner("Ulm")
    lead = world.lead()
    assert lead.id is not None and a.id is not None
    first, second = _rank(rt, lead.id), _rank(rt, lead.id)
    assert second.pool is first.pool  # the token did not change: no rebuild
    assert _row(first, a.id)["expertise"][2] == "no matching product line or expertise"

    with unit(rt, "test", "console") as ctx:  # the partner console's edit
        save_partner(ctx, PartnerIn(name=a.name, kind="dealer"), partner_id=a.id)
        ctx.session.get(Organization, a.id).product_lines = ["Heat pump"]  # type: ignore[union-attr]
    after = _rank(rt, lead.id)
    assert after.pool is not first.pool
    assert _row(after, a.id)["expertise"][2] == "sells Heat pump"

    with rt.db.transaction() as s:  # plain SQL, as an operator might: the triggers see it
        s.execute(update(Organization).where(Organization.id == a.id).values(active=False))
    assert a.id not in {c.organization_id for c in _rank(rt, lead.id).pool.candidates}


def test_an_away_period_and_its_end_show_in_the_next_ranking(rt: Runtime, world: World) -> None:
    a = world.partner("Stuttgart")
    lead = world.lead()
    assert lead.id is not None and a.id is not None
    assert _why(_rank(rt, lead.id), a.id) is None
    back = rt.clock.now() + timedelta(days=3)
    world.pause(a.id, back)
    assert _why(_rank(rt, lead.id), a.id) == "offers paused"
    rt.clock.advance(days=4)  # the period passes without any write
    assert _why(_rank(rt, lead.id), a.id) is None


def test_a_contact_that_bounces_or_stops_receiving_offers_shows_at_once(
    rt: Runtime, world: World
) -> None:
    a = world.partner("Stuttgart")
    lead = world.lead()
    assert lead.id is not None and a.id is not None
    assert _why(_rank(rt, lead.id), a.id) is None
    with rt.db.transaction() as s:
        s.execute(update(Contact).where(Contact.organization_id == a.id).values(undeliverable=True))
    assert _why(_rank(rt, lead.id), a.id) == "no contact who receives offers"
    with rt.db.transaction() as s:
        s.execute(
            update(Contact).where(Contact.organization_id == a.id).values(undeliverable=False)
        )
    assert _why(_rank(rt, lead.id), a.id) is None


def test_a_stats_refresh_shows_in_the_next_ranking(rt: Runtime, world: World) -> None:
    a = world.partner("Stuttgart")
    lead = world.lead()
    assert lead.id is not None and a.id is not None
    assert _row(_rank(rt, lead.id), a.id)["discipline"][2] == "nothing to report yet"
    with rt.db.transaction() as s:
        s.add(PartnerStats(organization_id=a.id, offers=10, picks=4, won=1, unreported=3,
                           median_pick_hours=2.0, refreshed_at=rt.clock.now()))  # fmt: skip
    assert _row(_rank(rt, lead.id), a.id)["discipline"][2] == "3 picked, never reported"
    with unit(rt, "test", "job") as ctx:  # the job rebuilds the table from the history
        refresh_partner_stats(ctx)
    assert _row(_rank(rt, lead.id), a.id)["discipline"][2] == "nothing to report yet"


def test_a_picked_lead_counts_as_load_at_once_and_not_after_it_closes(
    rt: Runtime, world: World
) -> None:
    a = world.partner("Stuttgart", capacity=1)
    rt.settings = rt.settings.with_(ring_size=1)
    taken, offers = world.offered_lead()
    other = world.lead()
    assert other.id is not None and a.id is not None and taken.id is not None
    pool = _rank(rt, other.id).pool
    assert _row(_rank(rt, other.id), a.id)["load"][2] == "0 of 1 open leads"
    contact = world.contacts(a.id)[0]
    with unit(rt, f"contact:{contact.id}", "web") as ctx:
        pick(ctx, offers[0].id, contact.id)  # type: ignore[arg-type]
    ranking = _rank(rt, other.id)
    assert ranking.pool is pool  # load is read per call, not cached
    assert _why(ranking, a.id) == "at capacity (1 of 1 open leads)"
    with rt.db.transaction() as s:
        s.get(Lead, taken.id).state = "won"  # type: ignore[union-attr]
    assert _why(_rank(rt, other.id), a.id) is None


def test_a_rolled_back_change_never_reaches_the_cache(rt: Runtime, world: World) -> None:
    a = world.partner("Stuttgart", level="standard")
    b = world.partner("Ulm")
    lead = world.lead()
    assert lead.id is not None and a.id is not None
    with pytest.raises(RuntimeError), rt.db.transaction() as s:
        s.get(Organization, a.id).level = "premium"  # type: ignore[union-attr]
        s.flush()
        with rt.db.read() as r:  # another request ranks meanwhile: sees the committed row
            explain_lead(r, s.get(Lead, lead.id), rt.clock.now(), 3)  # type: ignore[arg-type]
        explain_lead(s, s.get(Lead, lead.id), rt.clock.now(), 3)  # type: ignore[arg-type]
        raise RuntimeError("roll back")
    assert _row(_rank(rt, lead.id), a.id)["level"][2] == "standard"
    with rt.db.transaction() as s:  # the next change never brings back the rolled-back token
        s.get(Organization, b.id).name = "Renamed"  # type: ignore[union-attr]
    assert _row(_rank(rt, lead.id), a.id)["level"][2] == "standard"


def test_every_active_partner_is_ranked_however_far(rt: Runtime, world: World) -> None:
    near = [world.partner("Stuttgart") for _ in range(30)]
    far = world.partner("Hamburg")
    abroad = world.partner("Wien")
    lead = world.lead()
    assert lead.id is not None
    ranking = _rank(rt, lead.id)
    ranked = [s.candidate.organization_id for s in ranking.ranked]
    assert ranking.eligible == len(near) + 1 and ranked[-1] == far.id
    assert _why(ranking, abroad.id) == "lead is outside its territory"  # type: ignore[arg-type]
    groups = {g.reason: g.count for g in ranking.exclusion_groups()}
    assert groups == {"outside its territory": 1}


def test_an_upgrade_puts_back_triggers_a_table_rebuild_dropped(db_url: str, world: World) -> None:
    from mailflow.db import make_engine, migrate, poolversion

    world.partner("Stuttgart")
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:  # what an SQLite batch-mode migration does to them
            poolversion.drop(conn)
        migrate.upgrade(db_url)
        if not db_url.startswith("sqlite"):
            with engine.begin() as conn:  # PostgreSQL keeps triggers: the migration's
                poolversion.install(conn)
        with engine.begin() as conn:
            before = conn.execute(text("SELECT token FROM matchpoolversion")).scalar_one()
            conn.execute(update(Contact).values(receives_offers=True))
            after = conn.execute(text("SELECT token FROM matchpoolversion")).scalar_one()
    finally:
        engine.dispose()
    assert before != after
