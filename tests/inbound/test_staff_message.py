"""Ops answer a partner by email from the review queue and from the lead page: the email
carries the partner's reply address for its offer and is threaded to the partner's
message, so the partner's answer comes back to the same lead."""

from __future__ import annotations

import html
import re
from typing import Any

from sqlmodel import col, select

from mailflow.actions.outbound import outbox
from mailflow.models import Event, InboundEmail, OutboundEmail
from tests.inbound.conftest import Offered
from tests.inbound.test_review_console import _login
from tests.mail import reply


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _sent(offered: Offered, smtp: Any) -> Any:
    smtp.clear()
    outbox.dispatch(offered.rt, outbox.due_ids(offered.rt, offered.rt.clock.now()))
    found = [m for m in smtp.messages() if "staff_message" in m.message.get("X-Mailflow-Kind", "")]
    assert len(found) == 1
    return found[0]


def test_ops_answer_a_partner_from_the_review_queue_and_the_answer_comes_back(
    client: Any, offered: Offered, smtp: Any
) -> None:
    asked = "<frage-1@dealer.example>"
    offered.deliver(
        offered.reply_from(
            0, "Gibt es schon ein Angebot vom Wettbewerb? Ich melde mich heute noch.", asked
        )
    )
    with offered.rt.db.read() as s:
        row = s.exec(select(InboundEmail)).one()
    assert row.lead_id == offered.lead.id
    _login(client, offered)
    page = client.get(f"/console/inbound/{row.id}").get_data(as_text=True)
    assert 'id="answer-form"' in page
    done = client.post(
        f"/console/inbound/{row.id}/answer",
        data={"text": "Nein, noch keins.\nViele Grüße", "csrf": _csrf(page)},
    )
    assert done.status_code == 302
    mail = _sent(offered, smtp)
    head = mail.message
    assert head["Reply-To"] == offered.reply_to(0)
    assert head["In-Reply-To"] == asked
    assert asked in head["References"] and f"lead-{offered.lead.id}@" in head["References"]
    assert "Nein, noch keins." in mail.part("plain") and "Viele Grüße" in mail.part("plain")
    with offered.rt.db.read() as s:
        event = s.exec(select(Event).where(Event.kind == "lead.partner_messaged")).one()
    assert event.lead_id == offered.lead.id and event.data["text"].startswith("Nein")
    # the partner's answer to it routes back to the same lead
    offered.deliver(
        reply(
            "Danke, dann rufe ich den Kunden morgen an.",
            to=head["Reply-To"],
            sender=offered.contacts[0].email,
            headers={"In-Reply-To": head["Message-ID"]},
        )
    )
    with offered.rt.db.read() as s:
        back = s.exec(select(InboundEmail).order_by(col(InboundEmail.id).desc())).first()
    assert back is not None and back.lead_id == offered.lead.id
    lead_page = client.get(f"/console/leads/{offered.lead.id}").get_data(as_text=True)
    assert "Nein, noch keins." in lead_page and "rufe ich den Kunden morgen an" in lead_page


def test_ops_write_to_a_partner_from_the_lead_page(
    client: Any, offered: Offered, smtp: Any
) -> None:
    _login(client, offered)
    path = f"/console/leads/{offered.lead.id}"
    page = client.get(path).get_data(as_text=True)
    assert 'id="message-form"' in page
    target = f"{offered.offers[1].id}:{offered.contacts[1].id}"
    assert f'value="{target}"' in page
    empty = client.post(f"{path}/message", data={"to": target, "text": " ", "csrf": _csrf(page)})
    assert empty.status_code == 302
    with offered.rt.db.read() as s:
        assert not s.exec(
            select(OutboundEmail).where(OutboundEmail.kind == "staff_message")
        ).first()
    sent = client.post(
        f"{path}/message",
        data={"to": target, "text": "Können Sie diese Woche noch?", "csrf": _csrf(page)},
    )
    assert sent.status_code == 302
    mail = _sent(offered, smtp)
    assert mail.message["Reply-To"] == offered.reply_to(1)
    assert mail.message["To"].endswith(f"<{offered.contacts[1].email}>") or (
        offered.contacts[1].email in mail.message["To"]
    )
    assert "Können Sie diese Woche noch?" in html.unescape(mail.part("html"))
    # a contact of another partner through this offer is refused
    wrong = f"{offered.offers[1].id}:{offered.contacts[0].id}"
    client.post(f"{path}/message", data={"to": wrong, "text": "x", "csrf": _csrf(page)})
    with offered.rt.db.read() as s:
        rows = s.exec(select(OutboundEmail).where(OutboundEmail.kind == "staff_message")).all()
    assert len(rows) == 1
