"""KPIs against a small world whose figures were worked out by hand (tests/kpidata.py),
on SQLite and PostgreSQL alike."""

from __future__ import annotations

from mailflow.models import Contact
from mailflow.queries import kpi, visibility
from mailflow.runtime import Runtime
from tests.kpidata import END, START, build

ALL = visibility.Viewer("admin", organization_id=0, offered_too=True)


def test_it_computes_every_partner_kpi_by_hand(rt: Runtime) -> None:
    w = build(rt)
    with rt.db.read() as s:
        rows = kpi.compute(s, ALL, "partner", START, END)
    a, b = rows[w.dealer_a], rows[w.dealer_b]
    assert (a.offers, a.picked, a.declined) == (5, 3, 1)
    assert (a.pick_rate, a.decline_rate) == (0.6, 0.2)
    assert (a.ttp_mean_h, a.ttp_median_h) == (4.0, 2.0)  # picks after 1 h, 2 h, 9 h
    assert (a.won, a.lost, a.cr) == (1, 1, 0.5)
    assert a.adt_days == 4.0
    assert a.ads == 12000.0  # the amount reported with "won", not the lead's 10 000
    assert a.feedback_discipline == 1.0
    assert a.pipeline == 12000.0  # L3: 20 000 at proposal (60 %)
    assert a.trailing_won == 42000.0  # L1 12 000 + L6 30 000 (September)
    assert a.pli == round(12000 / 42000, 4)
    assert (a.overdue, a.bounce_rate) == (0, 0.25)
    assert (b.offers, b.picked, b.pick_rate, b.decline_rate) == (2, 1, 0.5, 0.0)
    assert (b.ttp_mean_h, b.ttp_median_h) == (4.0, 4.0)
    assert b.cr is None and b.adt_days is None and b.ads is None
    assert b.feedback_discipline == 0.0  # L4 picked, never reported
    assert b.pipeline == 2100.0  # L4 5 000 × 10 % + L5 8 000 × 20 %
    assert b.pli is None  # nothing won in the trailing 90 days
    assert b.overdue == 1  # L5: no change since 10 October


def test_it_computes_overall_rep_distributor_and_territory_figures(rt: Runtime) -> None:
    w = build(rt)
    with rt.db.read() as s:
        overall = kpi.compute(s, ALL, "overall", START, END)[0]
        reps = kpi.compute(s, ALL, "rep", START, END)
        dists = kpi.compute(s, ALL, "distributor", START, END)
        terrs = kpi.compute(s, ALL, "territory", START, END)
    assert (overall.offers, overall.picked, overall.pick_rate) == (7, 4, 0.5714)
    assert (overall.ttp_mean_h, overall.ttp_median_h) == (4.0, 3.0)  # 1, 2, 4, 9 h
    assert (overall.cr, overall.feedback_discipline) == (0.5, 0.75)
    assert overall.pli == round(14100 / 42000, 4)
    rep = reps[w.rep_a]
    assert (rep.offers, rep.picked, rep.pick_rate) == (4, 3, 0.75)  # incl. L7 declined by them
    assert (rep.cr, rep.ttp_median_h) == (0.5, 2.0)
    assert list(dists) == [w.distributor]  # dealer B hangs under the manufacturer directly
    assert dists[w.distributor].cr == 0.5 and dists[w.distributor].offers == 5
    assert terrs[w.territory_a].picked == 3 and terrs[w.territory_b].overdue == 1


def test_a_viewer_gets_only_the_kpis_of_its_own_scope(rt: Runtime) -> None:
    w = build(rt)
    with rt.db.transaction() as s:
        manager = Contact(
            organization_id=w.dealer_b,
            name="Boss B",
            email="boss@b.example",
            role="manager",
            created_at=START,
        )
        s.add(manager)
        s.flush()
        viewer = visibility.for_contact(s, manager)
        rows = kpi.compute(s, viewer, "partner", START, END)
        overall = kpi.compute(s, viewer, "overall", START, END)[0]
    assert list(rows) == [w.dealer_b]
    assert (overall.offers, overall.picked, overall.overdue) == (2, 1, 1)


def test_it_flags_hard_working_but_weak_closers() -> None:
    overall = kpi.Kpis(key=0, offers=100, picked=50, won=30, lost=30)
    grinder = kpi.Kpis(key=1, offers=10, picked=8, won=1, lost=9, picked_leads=8, with_feedback=8)
    closer = kpi.Kpis(key=2, offers=10, picked=8, won=6, lost=4, picked_leads=8, with_feedback=8)
    idle = kpi.Kpis(key=3, offers=10, picked=1, won=0, lost=4, picked_leads=1, with_feedback=0)
    found = kpi.weak_closers({1: grinder, 2: closer, 3: idle}, overall)
    assert [r.key for r in found] == [1]


def test_a_dealers_sales_manager_sees_the_figures_of_its_own_reps_only(rt: Runtime) -> None:
    from mailflow.queries import reports

    w = build(rt)
    with rt.db.transaction() as s:
        manager = Contact(
            organization_id=w.dealer_a,
            name="Boss A",
            email="boss@a.example",
            role="manager",
            created_at=START,
        )
        s.add(manager)
        s.flush()
        viewer = visibility.for_contact(s, manager)
        reps = kpi.compute(s, viewer, "rep", START, END)
        table = reports.rep_table(s, viewer, reports.Period("2026-W45", START, END))
    assert list(reps) == [w.rep_a]  # dealer B's contact is not in A's view
    assert [(r["name"], r["picks"], r["cr"]) for r in table] == [("rep@a.example", 3, 0.5)]
