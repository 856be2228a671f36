"""Reminders, the processing-queue gate and the escalation choices, with a clock
the tests move, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.errors import QueueBlocked
from mailflow.actions.leads.feedback import feedback
from mailflow.actions.leads.pick import pick
from mailflow.actions.leads.queue_gate import explain_queue
from mailflow.jobs.sweeps import sweep_offers, sweep_reminders
from mailflow.links.claims import EscalationClaim
from mailflow.models import Contact, Lead, Offer, Organization, OutboundEmail
from mailflow.models.schemas import FeedbackIn
from mailflow.runtime import Runtime
from tests.factories import World

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _emails(rt: Runtime, kind: str) -> list[OutboundEmail]:
    with rt.db.read() as s:
        query = select(OutboundEmail).where(OutboundEmail.kind == kind)
        return list(s.exec(query.order_by(col(OutboundEmail.id))))


def _picked_lead(rt: Runtime, world: World, org: Organization) -> tuple[Lead, Offer, Contact]:
    lead, offers = world.offered_lead()
    offer = next(o for o in offers if o.organization_id == org.id)
    contact = world.contacts(org.id)[0]  # type: ignore[arg-type]
    with unit(rt, f"contact:{contact.id}", "web") as ctx:
        pick(ctx, offer.id, contact.id)  # type: ignore[arg-type]
    return world.reload(lead), offer, contact


def _report(rt: Runtime, offer: Offer, contact: Contact, stage: str = "contacted") -> None:
    with unit(rt, f"contact:{contact.id}", "web") as ctx:
        feedback(ctx, offer.id, contact.id, FeedbackIn(stage=stage))  # type: ignore[arg-type]


def test_one_reminder_goes_out_at_75_percent_of_the_sla(rt: Runtime, world: World) -> None:
    rt.clock.set(MONDAY_9)
    world.partner("Stuttgart", contacts=2)
    _lead, (offer,) = world.offered_lead(temperature="warm")  # 12 h
    assert offer.remind_at == MONDAY_9 + timedelta(hours=9)
    rt.clock.advance(hours=8, minutes=59)
    assert sweep_reminders(rt) == 0
    rt.clock.advance(minutes=1)
    assert sweep_reminders(rt) == 1
    assert len(_emails(rt, "offer_reminder")) == 2  # both contacts of the partner
    rt.clock.advance(hours=1)
    assert sweep_reminders(rt) == 0  # never twice
    assert len(_emails(rt, "offer_reminder")) == 2


def test_no_offer_reminder_goes_to_a_partner_who_is_away(rt: Runtime, world: World) -> None:
    rt.clock.set(MONDAY_9)
    org = world.partner("Stuttgart")
    world.offered_lead(temperature="warm")
    assert org.id is not None
    world.pause(org.id, MONDAY_9 + timedelta(days=3))
    rt.clock.advance(hours=10)
    assert sweep_reminders(rt) == 0
    assert _emails(rt, "offer_reminder") == []


def test_feedback_reminders_follow_the_3_7_14_day_schedule(rt: Runtime, world: World) -> None:
    rt.clock.set(MONDAY_9)
    org = world.partner("Stuttgart")
    lead, _offer, contact = _picked_lead(rt, world, org)
    assert lead.next_reminder_at == MONDAY_9 + timedelta(days=3)
    sent_on = []
    for day in range(1, 20):
        rt.clock.set(MONDAY_9 + timedelta(days=day))
        if sweep_reminders(rt):
            sent_on.append(day)
    assert sent_on == [3, 7, 14]
    reminders = _emails(rt, "feedback_reminder")
    assert [e.to_addr for e in reminders] == [contact.email] * 3
    buttons = dict(reminders[0].context["buttons"])
    assert set(buttons) == {"contacted", "meeting", "proposal", "won", "lost"}
    assert buttons["won"].endswith("?stage=won")
    assert world.reload(lead).next_reminder_at is None


def test_a_report_restarts_the_schedule_and_a_closed_lead_gets_no_more(
    rt: Runtime, world: World
) -> None:
    rt.clock.set(MONDAY_9)
    org = world.partner("Stuttgart")
    lead, offer, contact = _picked_lead(rt, world, org)
    rt.clock.set(MONDAY_9 + timedelta(days=2))
    _report(rt, offer, contact, "contacted")
    rt.clock.set(MONDAY_9 + timedelta(days=4))
    assert sweep_reminders(rt) == 0  # 3 days after the report, not after the pick
    rt.clock.set(MONDAY_9 + timedelta(days=5))
    assert sweep_reminders(rt) == 1
    _report(rt, offer, contact, "won")
    assert world.reload(lead).next_reminder_at is None
    rt.clock.set(MONDAY_9 + timedelta(days=30))
    assert sweep_reminders(rt) == 0


def test_feedback_reminders_wait_while_the_partner_is_away(rt: Runtime, world: World) -> None:
    rt.clock.set(MONDAY_9)
    org = world.partner("Stuttgart")
    lead, _, _ = _picked_lead(rt, world, org)
    back = MONDAY_9 + timedelta(days=5)
    assert org.id is not None
    world.pause(org.id, back)
    rt.clock.set(MONDAY_9 + timedelta(days=3))
    assert sweep_reminders(rt) == 0
    assert world.reload(lead).next_reminder_at == back
    rt.clock.set(back)  # the period ends by itself: no job to run
    assert sweep_reminders(rt) == 1


def test_a_feedback_reminder_is_never_repeated_within_the_window(rt: Runtime, world: World) -> None:
    rt.clock.set(MONDAY_9)
    rt.settings = rt.settings.with_(feedback_reminder_days=(3, 4), reminder_window_hours=48)
    org = world.partner("Stuttgart")
    lead, _, _ = _picked_lead(rt, world, org)
    rt.clock.set(MONDAY_9 + timedelta(days=3))
    assert sweep_reminders(rt) == 1
    rt.clock.set(MONDAY_9 + timedelta(days=4))
    assert sweep_reminders(rt) == 0  # the second is due, but the first is only a day old
    assert world.reload(lead).next_reminder_at == MONDAY_9 + timedelta(days=5)
    rt.clock.set(MONDAY_9 + timedelta(days=5))
    assert sweep_reminders(rt) == 1


def _block(rt: Runtime, world: World, org: Organization, leads: int) -> list[tuple[Offer, Contact]]:
    picked = []
    for _ in range(leads):
        _, offer, contact = _picked_lead(rt, world, org)
        picked.append((offer, contact))
    rt.clock.advance(days=3, minutes=1)  # all of them overdue for feedback now
    return picked


def test_the_processing_queue_blocks_a_partner_with_too_many_overdue_leads_and_releases_it(
    rt: Runtime, world: World, client: Any
) -> None:
    rt.clock.set(MONDAY_9)
    org = world.partner("Stuttgart")
    picked = _block(rt, world, org, 4)  # more than K = 3
    lead, (offer,) = world.offered_lead()  # still sees new offers
    contact = picked[0][1]
    with pytest.raises(QueueBlocked) as refused, unit(rt, f"contact:{contact.id}", "web") as ctx:
        pick(ctx, offer.id, contact.id)  # type: ignore[arg-type]
    assert len(refused.value.details["overdue"]) == 4  # type: ignore[arg-type]

    link = rt.link(offer.id, contact.id, "pick")  # type: ignore[arg-type]
    path = link.removeprefix(rt.settings.base_url)
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="queue-blocked"' in html
    assert 'data-action="pick"' not in html
    assert html.count("?stage=contacted") == 4
    answer = client.post(path)
    assert answer.status_code == 423 and 'data-testid="queue-blocked"' in answer.get_data(True)

    # A pick by reply gets the same explanation by email.
    with unit(rt, f"contact:{contact.id}", "email") as ctx:
        assert explain_queue(ctx, offer.id, contact.id)  # type: ignore[arg-type]
    (notice,) = _emails(rt, "pick_blocked")
    assert len(notice.context["overdue"]) == 4

    _report(rt, *picked[0])  # one report: 3 overdue, not more than K
    assert 'data-action="pick"' in client.get(path).get_data(as_text=True)
    with unit(rt, f"contact:{contact.id}", "web") as ctx:
        pick(ctx, offer.id, contact.id)  # type: ignore[arg-type]
    assert world.reload(lead).owner_id == org.id


def test_the_queue_limit_is_set_per_partner_level(rt: Runtime, world: World) -> None:
    rt.clock.set(MONDAY_9)
    rt.settings = rt.settings.with_(queue_limits={"premium": 5})
    org = world.partner("Stuttgart", level="premium")
    contact = _block(rt, world, org, 4)[0][1]
    _, (offer,) = world.offered_lead()
    with unit(rt, f"contact:{contact.id}", "web") as ctx:
        pick(ctx, offer.id, contact.id)  # type: ignore[arg-type]


def test_a_status_button_of_a_reminder_opens_the_form_with_its_stage(
    rt: Runtime, world: World, client: Any
) -> None:
    rt.clock.set(MONDAY_9)
    org = world.partner("Stuttgart")
    lead, _offer, _contact = _picked_lead(rt, world, org)
    rt.clock.advance(days=3)
    sweep_reminders(rt)
    (reminder,) = _emails(rt, "feedback_reminder")
    url = dict(reminder.context["buttons"])["meeting"]
    page = client.get(url.removeprefix(rt.settings.base_url)).get_data(as_text=True)
    assert '<option value="meeting" selected>' in page
    assert world.reload(lead).state == "picked"  # GET changes nothing


def _escalated(rt: Runtime, world: World) -> tuple[Lead, Contact, dict[str, str]]:
    org = world.manufacturer()
    with rt.db.transaction() as s:
        manager = Contact(
            organization_id=org,
            name="Paula",
            email="paula@nordwind.test",
            role="partner_manager",
            receives_offers=False,
            created_at=rt.clock.now(),
        )
        s.add(manager)
    rt.settings = rt.settings.with_(max_rings=1, ring_size=1)
    rt.clock.set(MONDAY_9)
    world.partner("Stuttgart")
    lead, _ = world.offered_lead()
    rt.clock.advance(hours=13)
    sweep_offers(rt)
    (mail,) = _emails(rt, "escalation")
    links = {k: v.removeprefix(rt.settings.base_url) for k, v in mail.context["links"].items()}
    return world.reload(lead), manager, links


def test_the_partner_manager_offers_an_escalated_lead_to_a_chosen_partner(
    rt: Runtime, world: World, client: Any
) -> None:
    lead, _manager, links = _escalated(rt, world)
    assert lead.state == "unassigned"
    chosen = world.partner("Hamburg")
    page = client.get(links["offer_to"])
    assert page.status_code == 200 and f'value="{chosen.id}"' in page.get_data(as_text=True)
    assert world.reload(lead).state == "unassigned"  # GET changes nothing
    token = links["offer_to"].split("/e/")[1].split("?")[0]
    done = client.post(f"/e/{token}", data={"choice": "offer_to", "partner": str(chosen.id)})
    assert done.status_code == 200
    fresh = world.reload(lead)
    assert fresh.state == "offered" and fresh.ring == 2
    offers = [o for o in world.offers(lead.id) if o.ring == 2]  # type: ignore[arg-type]
    assert [o.organization_id for o in offers] == [chosen.id]
    again = client.post(f"/e/{token}", data={"choice": "withdraw"})
    assert again.status_code == 409  # decided already


def test_the_escalation_dialog_refuses_a_partner_id_that_is_no_row_id(
    rt: Runtime, world: World, client: Any
) -> None:
    lead, _manager, links = _escalated(rt, world)
    token = links["offer_to"].split("/e/")[1].split("?")[0]
    for bad in ("²", "99999999999", "-1", "0", " ", "1e3", "\x00"):
        done = client.post(f"/e/{token}", data={"choice": "offer_to", "partner": bad})
        assert done.status_code == 409, bad  # the dialog's error page, never a 500
        assert "choose one from the list" in done.get_data(as_text=True)
    missing = client.post(f"/e/{token}", data={"choice": "offer_to"})
    assert missing.status_code == 409
    assert world.reload(lead).state == "unassigned"


def test_the_partner_manager_widens_the_search_or_withdraws(
    rt: Runtime, world: World, client: Any
) -> None:
    lead, _manager, links = _escalated(rt, world)
    world.partner("Wien")  # another country
    token = links["widen"].split("/e/")[1].split("?")[0]
    assert client.post(f"/e/{token}", data={"choice": "widen"}).status_code == 200
    fresh = world.reload(lead)
    assert fresh.state == "offered" and fresh.ring == 2
    assert rt.signer.read(EscalationClaim, token).lead_id == lead.id


def test_the_partner_manager_withdraws_an_escalated_lead(
    rt: Runtime, world: World, client: Any
) -> None:
    lead, _, links = _escalated(rt, world)
    token = links["withdraw"].split("/e/")[1].split("?")[0]
    assert client.post(f"/e/{token}", data={"choice": "withdraw"}).status_code == 200
    assert world.reload(lead).state == "withdrawn"


def test_an_escalation_link_is_refused_for_anyone_but_a_partner_manager(
    rt: Runtime, world: World, client: Any
) -> None:
    lead, _, _ = _escalated(rt, world)
    dealer = world.contacts(world.offers(lead.id)[0].organization_id)[0]  # type: ignore[arg-type]
    token = rt.signer.sign(EscalationClaim(lead.id, dealer.id))  # type: ignore[arg-type]
    assert client.post(f"/e/{token}", data={"choice": "withdraw"}).status_code == 409
    assert world.reload(lead).state == "unassigned"
    assert client.get("/e/not-a-token?choice=withdraw").status_code == 404


def test_the_weekly_digest_lists_partners_owing_feedback_for_the_partner_managers(
    rt: Runtime, world: World
) -> None:
    from mailflow.jobs.sweeps import queue_digest

    rt.clock.set(MONDAY_9)
    with rt.db.transaction() as s:
        s.add(
            Contact(
                organization_id=world.manufacturer(),
                name="Paula",
                email="paula@nordwind.test",
                role="partner_manager",
                receives_offers=False,
                created_at=rt.clock.now(),
            )
        )
    assert queue_digest(rt) == 0  # nobody owes anything: no email
    slow = world.partner("Stuttgart", name="Slow GmbH")
    _block(rt, world, slow, 4)
    assert queue_digest(rt) == 1
    (digest,) = _emails(rt, "queue_digest")
    assert digest.to_addr == "paula@nordwind.test"
    assert digest.context["partners"] == [
        {"name": "Slow GmbH", "overdue": 4, "limit": 3, "blocked": True}
    ]


def test_the_weekly_digest_leaves_out_a_partner_that_is_away(rt: Runtime, world: World) -> None:
    from mailflow.jobs.sweeps import queue_digest

    rt.clock.set(MONDAY_9)
    with rt.db.transaction() as s:
        s.add(Contact(organization_id=world.manufacturer(), name="Paula",
                      email="paula@nordwind.test", role="partner_manager",
                      receives_offers=False, created_at=rt.clock.now()))  # fmt: skip
    slow = world.partner("Stuttgart", name="Slow GmbH")
    away = world.partner("Stuttgart", name="Im Urlaub GmbH")
    _block(rt, world, slow, 4)
    _block(rt, world, away, 4)
    assert away.id is not None
    world.pause(away.id, rt.clock.now() + timedelta(days=7))
    assert queue_digest(rt) == 1
    (digest,) = _emails(rt, "queue_digest")
    assert [p["name"] for p in digest.context["partners"]] == ["Slow GmbH"]
