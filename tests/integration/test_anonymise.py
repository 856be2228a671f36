"""Retention of closed leads: ``MAILFLOW_RETENTION_DAYS`` after a lead closed, no personal
datum of its customer is left in any column of any table; the KPIs read the same figures
before and after; the sweep is idempotent and leaves one audit event per lead. Removed
contacts' push subscriptions go too."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select as core_select
from sqlmodel import SQLModel, col, select

from mailflow.actions import unit
from mailflow.actions.deals.decide import approve
from mailflow.actions.deals.register import register
from mailflow.actions.inbound.store import store_raw
from mailflow.actions.leads.edit import add_note, edit_lead
from mailflow.actions.leads.feedback import feedback
from mailflow.actions.leads.retention import anonymise_closed, forget_removed_browsers, purge
from mailflow.actions.partners.colleagues import remove_colleague
from mailflow.inbound.process import process
from mailflow.models import (
    Contact,
    Event,
    Lead,
    Offer,
    PushSubscription,
    Webhook,
)
from mailflow.models.schemas import DealIn, FeedbackIn
from mailflow.queries import kpi, visibility
from mailflow.runtime import Runtime
from tests.factories import LEAD_DEFAULTS, World
from tests.kpidata import END, START, build
from tests.mail import reply

ALL = visibility.Viewer("admin", organization_id=0, offered_too=True)
BECKER = {
    "customer_name": "Jonas Becker",
    "customer_company": "Becker Bäckerei GmbH",
    "customer_email": "jonas@becker-baeckerei.example",
    "customer_phone": "+49 89 7654321",
    "postal_code": "80331",
    "city": "München",
    "country": "DE",
    "requirement": "Oven heat recovery for the Becker bakery",
    "value": "9000",
    "note": "Jonas asked us at the fair",
}
# every personal datum of the two customers, and the free text they (or people about them) wrote
PERSONAL = [
    *(
        LEAD_DEFAULTS[k]
        for k in (
            "customer_name",
            "customer_company",
            "customer_email",
            "customer_phone",
            "customer_street",
            "requirement",
        )
    ),
    "Erika",
    "Mustermann",
    "mustermann-bau",
    "5550123",
    *(
        BECKER[k]
        for k in (
            "customer_name",
            "customer_company",
            "customer_email",
            "customer_phone",
            "requirement",
            "note",
        )
    ),
    "Jonas",
    "Becker",
    "becker-baeckerei",
    "7654321",
    "80331",
    "consent at the Stuttgart fair stand",
]


def _every_value(rt: Runtime) -> list[tuple[str, str, str]]:
    """Every text, bytes and JSON value of every column of every table, as text:
    (table, column, value)."""
    found = []
    with rt.db.read() as s:
        for table in SQLModel.metadata.sorted_tables:
            for row in s.connection().execute(core_select(table)).mappings():
                for name, value in row.items():
                    if value is None or isinstance(value, int | float | Decimal):
                        continue
                    if isinstance(value, bytes | memoryview):
                        text = bytes(value).decode("utf-8", "replace")
                    elif isinstance(value, dict | list):
                        text = json.dumps(value, ensure_ascii=False, default=str)
                    else:
                        text = str(value)
                    found.append((table.name, name, text))
    return found


def _left(rt: Runtime, data: list[str]) -> list[tuple[str, str, str]]:
    return [(t, c, d) for t, c, v in _every_value(rt) for d in data if d.lower() in v.lower()]


def _closed_leads(rt: Runtime, world: World) -> tuple[int, int, int]:
    """Erika's lead: offered, picked by an email reply quoting her, noted, edited, won.
    Becker's: a partner's deal registration, approved, lost. And an open lead."""
    with rt.db.transaction() as s:
        s.add(
            Webhook(
                organization_id=world.manufacturer(),
                url="https://crm.example/hook",
                events=["lead.picked", "lead.feedback", "lead.won", "lead.lost"],
                secret="whsec_test",
                created_at=rt.clock.now(),
            )
        )
    world.partner("Stuttgart")
    erika, offers = world.offered_lead(
        legal_basis="consent",
        consent_at=rt.clock.now(),
        consent_source="consent at the Stuttgart fair stand",
    )
    assert erika.id is not None and offers[0].id is not None
    contact = world.contacts(offers[0].organization_id)[0]
    assert contact.id is not None
    key = rt.reply_key(offers[0].id, contact.id)
    raw = reply(
        f"pick, I know Erika\n\n> {LEAD_DEFAULTS['customer_email']}",
        to=f"reply+{key}@{rt.settings.inbound_domain}",
        sender=contact.email,
    )
    process(rt, store_raw(rt, raw, channel="smtp", mail_from=contact.email, rcpt_to=[]))
    assert world.reload(erika).state == "picked"
    with unit(rt, "console:1", "console") as ctx:
        add_note(ctx, erika.id, "Erika Mustermann prefers calls on +49 711 5550123")
        edit_lead(
            ctx, erika.id, {"requirement": "Erika Mustermann: two heat pumps, Königstraße 28"}
        )
    with unit(rt, f"contact:{contact.id}", "web") as ctx:
        feedback(
            ctx,
            offers[0].id,
            contact.id,
            FeedbackIn(
                stage="won",
                amount=Decimal("21000"),
                note="Erika Mustermann signed at mustermann-bau",
            ),
        )
    dealer = world.partner("München")
    assert dealer.id is not None
    seller = world.contacts(dealer.id)[0]
    with unit(rt, f"contact:{seller.id}", "web") as ctx:
        deal = register(ctx, dealer.id, seller.id, DealIn.model_validate(BECKER))
    with unit(rt, "console:1", "console") as ctx:
        becker_id = approve(ctx, deal.id, note="Becker is a customer of ours").lead_id  # type: ignore[arg-type]
    assert becker_id is not None
    with rt.db.read() as s:
        offer = s.exec(
            select(Offer).where(Offer.lead_id == becker_id, Offer.state == "picked")
        ).one()
    assert offer.id is not None and seller.id is not None
    with unit(rt, f"contact:{seller.id}", "web") as ctx:
        feedback(
            ctx,
            offer.id,
            seller.id,
            FeedbackIn(
                stage="lost",
                reason="Jonas Becker chose a competitor",
                note="Becker Bäckerei went elsewhere",
            ),
        )
    open_lead = world.lead(
        customer_name="Olga Offen",
        customer_email="olga@offen.example",
        customer_company="Offen KG",
        customer_phone="+49 30 1112223",
        customer_street="Hauptstraße 1",
        requirement="Office ventilation",
    )
    assert open_lead.id is not None
    return erika.id, becker_id, open_lead.id


def test_a_closed_lead_past_retention_holds_no_personal_data_in_any_column(
    rt: Runtime, world: World
) -> None:
    erika, becker, still_open = _closed_leads(rt, world)
    assert len({t for t, _, _ in _left(rt, PERSONAL)}) >= 5  # lead, feedback, deal, inbound, ...
    rt.clock.advance(days=rt.settings.retention_days - 1)
    assert anonymise_closed(rt) == 0  # not yet
    rt.clock.advance(days=2)
    with rt.db.read() as s:
        events_before = len(s.exec(select(Event)).all())
    assert anonymise_closed(rt) == 2
    assert _left(rt, PERSONAL) == []
    assert _left(rt, ["Olga Offen", "olga@offen.example"])  # an open lead keeps its customer
    with rt.db.read() as s:
        done = s.exec(select(Event).where(Event.kind == "lead.anonymised")).all()
        assert sorted(e.lead_id for e in done) == [erika, becker]  # type: ignore[type-var]
        assert len(s.exec(select(Event)).all()) == events_before + 2
        kept = s.get(Lead, erika)
        assert kept is not None and kept.anonymised_at is not None
        assert (kept.state, kept.value, kept.country) == ("won", Decimal("18000"), "DE")
        assert kept.legal_basis == "consent" and kept.consent_at is not None
        assert s.get(Lead, still_open).anonymised_at is None  # type: ignore[union-attr]
    assert anonymise_closed(rt) == 0  # idempotent: nothing more, no second event
    assert purge(rt)["leads"] == 0
    with rt.db.read() as s:
        assert len(s.exec(select(Event)).all()) == events_before + 2


def test_kpis_read_the_same_figures_before_and_after_anonymisation(rt: Runtime) -> None:
    build(rt)

    def figures() -> dict[str, Any]:
        with rt.db.read() as s:
            return {dim: kpi.compute(s, ALL, dim, START, END) for dim in kpi.DIMENSIONS}

    before = figures()
    with rt.db.read() as s:
        closed = s.exec(
            select(Lead.id).where(col(Lead.state).in_(("won", "lost", "withdrawn", "unassigned")))
        ).all()
    assert closed, "the KPI world has closed leads"
    rt.clock.set(END + timedelta(days=rt.settings.retention_days + 30))
    assert anonymise_closed(rt) >= len(closed)
    with rt.db.read() as s:
        assert all(
            s.get(Lead, i).anonymised_at is not None  # type: ignore[union-attr]
            for i in closed
        )
    assert figures() == before


def test_removed_contacts_lose_their_push_subscriptions(rt: Runtime, world: World) -> None:
    org = world.partner("Stuttgart", contacts=3)
    first, second, third = world.contacts(org.id)  # type: ignore[arg-type]
    with rt.db.transaction() as s:
        for n, who in enumerate((first, second, second, third)):
            s.add(
                PushSubscription(
                    contact_id=who.id,  # type: ignore[arg-type]
                    endpoint=f"https://push.example/{n}",
                    p256dh="k",
                    auth="a",
                    created_at=rt.clock.now(),
                )
            )
        # removed before removal deleted subscriptions: the retention sweep catches up
        s.get(Contact, third.id).removed_at = rt.clock.now()  # type: ignore[union-attr]
    with unit(rt, f"contact:{first.id}", "web") as ctx:
        remove_colleague(ctx, first.id, second.id)  # type: ignore[arg-type]
    with rt.db.read() as s:
        left = sorted(p.contact_id for p in s.exec(select(PushSubscription)))
        assert left == [first.id, third.id]
    assert forget_removed_browsers(rt) == 1
    assert forget_removed_browsers(rt) == 0
    with rt.db.read() as s:
        assert [p.contact_id for p in s.exec(select(PushSubscription))] == [first.id]
        gone = s.exec(select(Event).where(Event.kind == "push.unsubscribed")).all()
        removed = [second.id, second.id, third.id]
        assert sorted(e.data["contact_id"] for e in gone) == sorted(removed)  # type: ignore[type-var]
