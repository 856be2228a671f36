"""Delivered partner emails in German: the offer says until when it is open (in the
partner's time zone) and to how many partners it went; the "taken" notice and the
decline acknowledgement name the lead, carry a Reply-To, and show a decline reason as
its label, not its code; a weekly report to ops ends with the staff footer."""

from __future__ import annotations

import re

from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.leads.decline import decline
from mailflow.actions.leads.pick import pick
from mailflow.actions.outbound import outbox
from mailflow.actions.partners.report import deliver_report
from mailflow.mail.capture import CapturedMail, MailCapture
from mailflow.models import Contact, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World

PARTNER_FOOTER = "weil Ihr Unternehmen Vertriebspartner von"


def _deliver(rt: Runtime, smtp: MailCapture) -> dict[str, list[CapturedMail]]:
    with rt.db.read() as s:
        ids = [e.id for e in s.exec(select(OutboundEmail)) if e.id is not None]
    outbox.dispatch(rt, ids)
    found: dict[str, list[CapturedMail]] = {}
    for mail in smtp.messages():
        found.setdefault(str(mail.message["X-Mailflow-Kind"]), []).append(mail)
    return found


def _german_ring(world: World) -> None:
    for city in ("Stuttgart", "Ulm", "Karlsruhe", "München"):
        world.partner(city, parent_id=world.manufacturer(), language="de")


def test_partner_emails_name_the_lead_carry_reply_to_and_speak_german(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    _german_ring(world)
    lead, offers = world.offered_lead(temperature="hot")
    assert len(offers) == 3
    first, second, third = (world.contacts(o.organization_id)[0] for o in offers)
    with unit(rt, "contact:x", "web") as ctx:
        decline(ctx, offers[2].id, third.id, "no capacity")  # type: ignore[arg-type]
    with unit(rt, "contact:y", "web") as ctx:
        pick(ctx, offers[0].id, first.id)  # type: ignore[arg-type]
    sent = _deliver(rt, smtp)

    offer = sent["offer"][0]
    text = offer.part("plain")
    # in the contact's zone (Europe/Berlin), German date and time, never the ISO value
    assert re.search(r"Offen bis: \d\d\.\d\d\.\d{4}, \d\d:\d\d MES?Z", text), text
    assert offers[0].expires_at.isoformat()[:10] not in text
    assert "3 Partner haben dieses Angebot gleichzeitig erhalten" in text

    [taken] = [m for m in sent["taken"] if m.message["To"].addresses[0].addr_spec == second.email]
    [ack] = sent["decline_ack"]
    for mail in (taken, ack):
        assert str(mail.message["Reply-To"]).startswith("reply+")
        body = mail.part("plain")
        assert f"Lead: #{lead.id}" in body and f"(#{lead.id})" in mail.subject
        assert PARTNER_FOOTER in body and "Meine Leads" in body
    ack_text = ack.part("plain")
    assert "Ihr Grund: Derzeit keine Kapazität" in ack_text
    assert "no capacity" not in ack_text and "no capacity" not in ack.part("html")
    assert "Ihnen angeboten am" in ack_text


def test_staff_emails_end_with_the_staff_footer_not_the_partner_one(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    with rt.db.transaction() as s:
        ops = Contact(
            organization_id=world.manufacturer(),
            name="Olga Ops",
            email="olga@maker.example",
            role="ops",
            language="de",
            created_at=rt.clock.now(),
        )
        s.add(ops)
        s.flush()
        ops_id = ops.id
    assert ops_id is not None
    with unit(rt, "system", "job") as ctx:
        assert deliver_report(ctx, ops_id, "2026-W01")
    [report] = _deliver(rt, smtp)["weekly_report"]
    text, html = report.part("plain"), report.part("html")
    assert "Vertriebspartner von" not in text and "Vertriebspartner von" not in html
    assert "weil Sie mit den Leads und Vertriebspartnern von" in text
    assert "Lead-Konsole öffnen: " in text and "/console/dashboard" in text
    assert "Meine Leads" not in html
