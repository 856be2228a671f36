"""An approved registration's exclusivity: one reminder two weeks before it ends, its
end, and more time the partner asks for on its page and the staff grant with one click."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.deals.decide import SOURCE, approve
from mailflow.actions.deals.exclusivity import request_extension
from mailflow.actions.deals.register import register
from mailflow.jobs.sweeps import sweep_reminders
from mailflow.models import Campaign, Event
from mailflow.models.schemas import DealIn
from tests.deals.conftest import Deals

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _approved(deals: Deals) -> int:
    deals.rt.clock.set(START)
    with unit(deals.rt, f"contact:{deals.contact.id}", "web") as ctx:
        data = DealIn(customer_name="Jonas Weber", customer_company="Weber GmbH")
        deal = register(ctx, deals.partner.id, deals.contact.id, data)  # type: ignore[arg-type]
    assert deal.id is not None
    with unit(deals.rt, "console:1", "console") as ctx:
        approve(ctx, deal.id)
    return deal.id


def test_the_partner_is_reminded_once_before_the_end_and_the_registration_then_ends(
    deals: Deals,
) -> None:
    _approved(deals)
    deals.rt.clock.set(START + timedelta(days=75))
    assert sweep_reminders(deals.rt) == 0
    deals.rt.clock.set(START + timedelta(days=76, minutes=1))
    assert sweep_reminders(deals.rt) == 1 and sweep_reminders(deals.rt) == 0
    (reminder,) = deals.emails("deal_expiring")
    assert reminder.to_addr == deals.contact.email and reminder.language == "de"
    assert deals.registrations()[0].state == "approved"
    deals.rt.clock.set(START + timedelta(days=90, minutes=1))
    sweep_reminders(deals.rt)
    (deal,) = deals.registrations()
    assert deal.state == "ended" and len(deals.emails("deal_expiring")) == 1


def test_more_time_is_asked_on_the_partners_page_and_granted_with_one_click(
    client: Any, deals: Deals
) -> None:
    _approved(deals)
    deals.rt.clock.set(START + timedelta(days=80))
    sweep_reminders(deals.rt)
    (reminder,) = deals.emails("deal_expiring")
    page = str(reminder.context["links"]["deal"]).removeprefix(deals.rt.settings.base_url)
    assert 'data-action="extend-deal"' in client.get(page).get_data(as_text=True)
    asked = client.post(page, data={"do": "extend"})
    assert asked.status_code == 200 and 'data-testid="deal-asked"' in asked.get_data(as_text=True)
    assert client.post(page, data={"do": "extend"}).status_code == 409  # asked once
    (request,) = deals.emails("deal_extension")
    assert request.to_addr == deals.manager.email
    link = str(request.context["links"]["decide"]).removeprefix(deals.rt.settings.base_url)
    shown = client.get(link).get_data(as_text=True)
    assert 'data-action="extend-deal"' in shown and deals.registrations()[0].extension_asked_at
    assert client.post(link, data={"decision": "approve"}).status_code == 400  # not this link
    granted = client.post(link, data={"decision": "extend"})
    assert granted.status_code == 200
    (deal,) = deals.registrations()
    assert deal.exclusive_until == START + timedelta(days=120)
    assert deal.remind_at == START + timedelta(days=106) and deal.extension_asked_at is None
    assert client.post(link, data={"decision": "extend"}).status_code == 409  # granted once
    (told,) = deals.emails("deal_extended")
    assert told.to_addr == deals.contact.email


def test_a_grant_gives_the_campaigns_extension_days(client: Any, deals: Deals) -> None:
    with deals.rt.db.transaction() as s:  # the campaign every registration's lead belongs to
        s.add(Campaign(name=SOURCE, exclusivity_days=90, extension_days=45, created_at=START))
    deal_id = _approved(deals)
    deals.rt.clock.set(START + timedelta(days=80))
    with unit(deals.rt, f"contact:{deals.contact.id}", "web") as ctx:
        request_extension(ctx, deal_id, deals.contact.id)  # type: ignore[arg-type]
    (request,) = deals.emails("deal_extension")
    assert request.context["days"] == 45
    link = str(request.context["links"]["decide"]).removeprefix(deals.rt.settings.base_url)
    assert client.post(link, data={"decision": "extend"}).status_code == 200
    (deal,) = deals.registrations()
    assert deal.exclusive_until == START + timedelta(days=135)
    with deals.rt.db.read() as s:
        event = s.exec(select(Event).where(Event.kind == "deal.extended")).one()
    assert event.data["days"] == 45
