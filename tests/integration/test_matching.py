"""The matching engine through the real actions, on SQLite and PostgreSQL: performance
figures from history, channel conflict, duplicates, the postal-code fallback, bench."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.leads.feedback import feedback
from mailflow.actions.leads.offer import offer_next_ring
from mailflow.actions.leads.pick import pick
from mailflow.actions.partners.stats import refresh_partner_stats
from mailflow.models import Campaign, CustomerLink, Event, Lead, PartnerStats, PostalCode
from mailflow.models.schemas import FeedbackIn
from mailflow.runtime import Runtime
from mailflow.settings import Settings
from tests.factories import World

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _campaign(rt: Runtime, **fields: Any) -> None:
    with rt.db.transaction() as s:
        s.add(Campaign(created_at=rt.clock.now(), **fields))


def _ring(world: World, **lead: Any) -> list[int]:
    _, offers = world.offered_lead(**lead)
    return sorted(o.organization_id for o in offers)


def _pick(rt: Runtime, world: World, offer_id: int, org_id: int) -> int:
    contact = world.contacts(org_id)[0]
    assert contact.id is not None
    with unit(rt, f"contact:{contact.id}", "web") as ctx:
        pick(ctx, offer_id, contact.id)
    return contact.id


def test_offer_next_ring_prefers_product_line_and_level_over_a_few_km(
    rt: Runtime, world: World
) -> None:
    plain = world.partner("Stuttgart")
    expert = world.partner("Ulm", product_lines=["Heat pump"], level="gold")
    world.partner("Hamburg")
    world.partner("Wien")  # another country: never a candidate
    rt.settings = rt.settings.with_(ring_size=1)
    assert _ring(world) == [expert.id]
    assert plain.id is not None


def test_performance_figures_come_from_the_history_and_change_the_order(
    rt: Runtime, world: World
) -> None:
    rt.clock.set(START)
    rt.settings = rt.settings.with_(ring_size=2)
    diligent = world.partner("Stuttgart", name="Diligent")
    silent = world.partner("Stuttgart", name="Silent")
    for n in range(3):  # both pick one lead each, three times; only one ever reports
        _, offers = world.offered_lead(customer_email=f"c{n}@firma{n}.example")
        by_org = {o.organization_id: o for o in offers}
        contact = _pick(rt, world, by_org[diligent.id].id, diligent.id)  # type: ignore[index, arg-type]
        with unit(rt, f"contact:{contact}", "web") as ctx:
            feedback(ctx, by_org[diligent.id].id, contact, FeedbackIn(stage="won"))  # type: ignore[index, arg-type]
        _, offers = world.offered_lead(customer_email=f"d{n}@werk{n}.example")
        by_org = {o.organization_id: o for o in offers}
        _pick(rt, world, by_org[silent.id].id, silent.id)  # type: ignore[index, arg-type]
    rt.clock.advance(days=20)
    with unit(rt, "system", "job") as ctx:
        assert refresh_partner_stats(ctx) == 2
    with rt.db.read() as s:
        stats = {p.organization_id: p for p in s.exec(select(PartnerStats))}
    assert (stats[diligent.id].picks, stats[diligent.id].won) == (3, 3)  # type: ignore[index]
    assert (stats[silent.id].picks, stats[silent.id].unreported) == (3, 3)  # type: ignore[index]
    assert stats[silent.id].median_pick_hours == 0  # type: ignore[index]
    rt.settings = rt.settings.with_(ring_size=1)
    assert _ring(world, customer_email="new@lead.example") == [diligent.id]


def test_a_lead_of_an_existing_customer_goes_to_that_partner_first_then_the_others(
    rt: Runtime, world: World
) -> None:
    near = world.partner("Stuttgart", level="premium", product_lines=["Heat pump"])
    theirs = world.partner("Hamburg")
    with rt.db.transaction() as s:
        s.add(CustomerLink(organization_id=theirs.id, email_domain="mustermann-bau.example",
                           created_at=rt.clock.now()))  # fmt: skip
    lead, offers = world.offered_lead()
    assert [o.organization_id for o in offers] == [theirs.id]
    assert "already the customer's partner" in _why(rt, offers[0].id)  # type: ignore[arg-type]
    rt.clock.advance(days=3)
    with unit(rt, "system", "job") as ctx:  # nobody answered: the next ring is the usual one
        for offer in offers:
            ctx.session.get(type(offer), offer.id).state = "expired"  # type: ignore[union-attr]
        nxt = offer_next_ring(ctx, lead.id)  # type: ignore[arg-type]
    assert near.id in [o.organization_id for o in nxt]


def test_a_customer_external_id_also_links_the_lead_to_its_partner(
    rt: Runtime, world: World
) -> None:
    world.partner("Stuttgart")
    theirs = world.partner("Ulm")
    with rt.db.transaction() as s:
        s.add(CustomerLink(organization_id=theirs.id, customer_external_id="CRM-4711",
                           created_at=rt.clock.now()))  # fmt: skip
    assert _ring(world, customer_email="x@gmail.com", customer_external_id="CRM-4711") == [
        theirs.id
    ]


def _why(rt: Runtime, offer_id: int) -> str:
    with rt.db.read() as s:
        event = s.exec(
            select(Event).where(Event.offer_id == offer_id, Event.kind == "offer.opened")
        ).one()
    return str(event.data["why"])


def test_a_duplicate_lead_is_merged_with_an_event_and_not_offered_twice(
    rt: Runtime, world: World
) -> None:
    world.partner("Stuttgart")
    first, offers = world.offered_lead(temperature="warm")
    again = world.lead(external_id="web-2", temperature="hot", requirement="Also solar panels?",
                       customer_email="ERIKA@mustermann-bau.example")  # fmt: skip
    assert again.id == first.id
    with rt.db.read() as s:
        leads = s.exec(select(Lead)).all()
        merged = s.exec(select(Event).where(Event.kind == "lead.merged")).one()
    assert len(leads) == 1 and leads[0].temperature == "hot"
    assert "Also solar panels?" in (leads[0].remarks or "")
    assert merged.lead_id == first.id and merged.data["external_id"] == "web-2"
    assert len(world.offers(first.id)) == len(offers)  # type: ignore[arg-type]


def test_a_lead_without_coordinates_is_placed_by_postal_code(rt: Runtime, world: World) -> None:
    lead = world.lead(city="Kleinkleckersdorf", postal_code="89073")
    assert lead.lat == pytest.approx(48.40, abs=0.01)  # the built-in region 89 (Ulm)
    with rt.db.transaction() as s:
        s.add(PostalCode(country="DE", code="89073", place="Ulm", lat=48.3984, lon=9.9916))
    finer = world.lead(city="Kleinkleckersdorf", postal_code="89073", customer_email="b@c.example")
    assert (finer.lat, finer.lon) == (48.3984, 9.9916)


def test_the_postcodes_import_command_loads_a_geonames_file(
    rt: Runtime, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mailflow import cli

    path = tmp_path / "DE.txt"
    path.write_text(
        "DE\t70173\tStuttgart\tBaden-Württemberg\tBW\t\t\t\t\t48.7823\t9.177\t4\n"
        "DE\t89073\tUlm\tBaden-Württemberg\tBW\t\t\t\t\t48.3984\t9.9916\t4\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("MAILFLOW_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MAILFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MAILFLOW_SECRET_KEYS", "test-secret-key-0123456789abcdef")
    assert cli.main(["import", "postcodes", str(path)]) == 0
    assert cli.main(["import", "postcodes", str(path)]) == 0  # twice: updates only
    with rt.db.read() as s:
        codes = s.exec(select(PostalCode).order_by(col(PostalCode.code))).all()
    assert [(c.code, c.place) for c in codes] == [("70173", "Stuttgart"), ("89073", "Ulm")]


def test_a_campaigns_required_certification_and_weights_apply(rt: Runtime, world: World) -> None:
    world.partner("Stuttgart")
    certified = world.partner("Hamburg", certifications=["F-Gas"])
    _campaign(rt, name="fgas", required_certification="F-Gas", weights={"distance": 10})
    assert _ring(world, campaign="fgas") == [certified.id]


def test_a_partner_at_capacity_is_skipped_until_a_lead_closes(rt: Runtime, world: World) -> None:
    full = world.partner("Stuttgart", capacity=1)
    other = world.partner("Hamburg")
    rt.settings = rt.settings.with_(ring_size=1)
    _, offers = world.offered_lead()
    assert [o.organization_id for o in offers] == [full.id]
    _pick(rt, world, offers[0].id, full.id)  # type: ignore[arg-type]
    assert _ring(world, customer_email="z@other.example") == [other.id]


def test_the_bench_runs_and_reports_its_figures(settings: Settings) -> None:
    from bench import run_bench

    figures = run_bench("match", settings, quick=True)
    assert figures["partners_small"] == 100 and figures["partners_large"] == 1000
    assert figures["small_ms"] > 0 and figures["large_ms"] > 0
    # partners edited their profiles and paused meanwhile: each ranking after saw the pause
    assert figures["edited_small_ms"] > 0 and figures["edited_large_ms"] > 0
    assert figures["fresh"] is True and figures["edit_every"] == 5


def test_stats_ignore_history_older_than_180_days(rt: Runtime, world: World) -> None:
    rt.clock.set(START)
    partner = world.partner("Stuttgart")
    _, offers = world.offered_lead()
    _pick(rt, world, offers[0].id, partner.id)  # type: ignore[arg-type]
    rt.clock.advance(days=181)
    with unit(rt, "system", "job") as ctx:
        assert refresh_partner_stats(ctx) == 0
    rt.clock.set(START + timedelta(days=1))
    with unit(rt, "system", "job") as ctx:
        assert refresh_partner_stats(ctx) == 1


def test_a_partner_abroad_whose_territory_covers_the_region_is_a_candidate(
    rt: Runtime, world: World
) -> None:
    world.partner("Wien", name="Wien only")
    border = world.partner("Salzburg", name="Border", territory=["AT", "DE-7"])
    rt.settings = rt.settings.with_(ring_size=3)
    assert _ring(world) == [border.id]  # Stuttgart 70173: in DE-7
    assert _ring(world, customer_email="m@muc.example", postal_code="80331", city="München") == []


def test_refreshing_the_stats_twice_gives_the_same_figures(rt: Runtime, world: World) -> None:
    partner = world.partner("Stuttgart")
    _, offers = world.offered_lead()
    _pick(rt, world, offers[0].id, partner.id)  # type: ignore[arg-type]
    for _ in range(2):
        with unit(rt, "system", "job") as ctx:
            assert refresh_partner_stats(ctx) == 1
    with rt.db.read() as s:
        (row,) = s.exec(select(PartnerStats)).all()
    assert (row.offers, row.picks, row.won, row.unreported) == (1, 1, 0, 0)


def test_the_customers_import_command_links_customers_to_partners(
    rt: Runtime,
    settings: Settings,
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mailflow import cli

    world.partner("Stuttgart")
    theirs = world.partner("Hamburg", external_id="SAP-77")
    path = tmp_path / "customers.csv"
    path.write_text("partner,email_domain,customer_external_id\n"
                    "SAP-77,@Mustermann-Bau.example,\nnobody,x.example,\n",
                    encoding="utf-8")  # fmt: skip
    monkeypatch.setenv("MAILFLOW_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MAILFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MAILFLOW_SECRET_KEYS", "test-secret-key-0123456789abcdef")
    assert cli.main(["import", "customers", str(path)]) == 0
    assert cli.main(["import", "customers", str(path)]) == 0  # twice: nothing new
    out = capsys.readouterr()
    assert "1 added, 1 skipped" in out.out and "0 added, 1 skipped" in out.out
    assert "line 3: unknown partner" in out.err
    assert _ring(world) == [theirs.id]
