"""The review queue in the console: see what was not applied, and why; apply or dismiss."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import select

from mailflow.models import Contact, InboundEmail
from mailflow.rules.passwords import hash_password
from tests.inbound.conftest import Offered
from tests.mail import reply

PASSWORD = "review queue password"


def _login(client: Any, offered: Offered, language: str = "en") -> None:
    with offered.rt.db.transaction() as s:
        s.add(
            Contact(
                organization_id=offered.world.manufacturer(),
                name="Ops",
                email="ops@nordwind.test",
                role="ops",
                language=language,
                password_hash=hash_password(PASSWORD),
                created_at=offered.rt.clock.now(),
            )
        )
    page = client.get("/console/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert (
        client.post(
            "/console/login",
            data={"email": "ops@nordwind.test", "password": PASSWORD, "csrf": csrf},
        ).status_code
        == 302
    )


def test_the_queue_counts_messages_stored_and_not_processed_yet(
    client: Any, offered: Offered
) -> None:
    for i in (0, 1):  # stored, no job has run
        offered.store(offered.reply_from(i, "We'll take it"))
    _login(client, offered)
    listing = client.get("/console/inbound/").get_data(as_text=True)
    assert 'data-waiting="2"' in listing and "2 received messages not processed yet" in listing


def test_ops_see_the_message_and_why_and_can_apply_a_correction(
    client: Any, offered: Offered
) -> None:
    offered.deliver(
        reply(
            "Maybe next week, we have to check our calendar and the customer's location first.",
            to=offered.reply_to(0),
            sender=offered.contacts[0].email,
        )
    )
    _login(client, offered)
    listing = client.get("/console/inbound/").get_data(as_text=True)
    with offered.rt.db.read() as s:
        row = s.exec(select(InboundEmail)).one()
    assert f"/console/inbound/{row.id}" in listing and "no clear command" in listing
    assert "data-waiting" not in listing
    page = client.get(f"/console/inbound/{row.id}").get_data(as_text=True)
    assert "check our calendar" in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert (
        client.post(
            f"/console/inbound/{row.id}", data={"decision": "apply", "action": "pick"}
        ).status_code
        == 400
    )
    done = client.post(
        f"/console/inbound/{row.id}", data={"decision": "apply", "action": "pick", "csrf": csrf}
    )
    assert done.status_code == 302
    assert offered.lead_state() == "picked"
    with offered.rt.db.read() as s:
        assert s.get(InboundEmail, row.id).state == "applied"  # type: ignore[union-attr]


def test_the_review_queue_needs_a_login(client: Any) -> None:
    assert client.get("/console/inbound/").status_code == 302


def test_the_review_page_shows_the_sender_checks_verdict(client: Any, offered: Offered) -> None:
    mta = "mx.nordwind.test"
    offered.rt.settings = offered.rt.settings.with_(inbound_authserv_ids=(mta,))
    domain = offered.contacts[0].email.rpartition("@")[2]
    raw = f"Authentication-Results: {mta}; spf=fail; dmarc=fail header.from={domain}\r\n"
    body = reply("pick", to=offered.reply_to(0), sender=offered.contacts[0].email)
    assert offered.deliver(raw.encode() + body) == "review"
    with offered.rt.db.read() as s:
        row = s.exec(select(InboundEmail)).one()
    _login(client, offered)
    page = client.get(f"/console/inbound/{row.id}").get_data(as_text=True)
    assert 'data-auth="fail"' in page and f"dmarc=fail for {domain}" in page


def test_a_german_reader_reads_the_sender_checks_verdict_in_german(
    client: Any, offered: Offered
) -> None:
    mta = "mx.nordwind.test"
    offered.rt.settings = offered.rt.settings.with_(inbound_authserv_ids=(mta,))
    domain = offered.contacts[0].email.rpartition("@")[2]
    raw = f"Authentication-Results: {mta}; spf=fail; dmarc=fail header.from={domain}\r\n"
    body = reply("pick", to=offered.reply_to(0), sender=offered.contacts[0].email)
    assert offered.deliver(raw.encode() + body) == "review"
    with offered.rt.db.read() as s:
        row = s.exec(select(InboundEmail)).one()
        assert row.outcome["auth"]["reason"] == f"dmarc=fail for {domain}"  # kept in English
    _login(client, offered, "de")
    page = client.get(f"/console/inbound/{row.id}").get_data(as_text=True)
    found = f"DMARC-Prüfung für {domain} fehlgeschlagen"
    assert page.count(found) == 2  # the sender check, and why the reply waits for review
    assert f"dmarc=fail for {domain}" not in page and "not verified" not in page


def test_a_german_reader_sees_the_message_how_it_came_and_why_in_german(
    client: Any, offered: Offered
) -> None:
    offered.deliver(offered.reply_from(0, "Maybe next week, we have to check our calendar."))
    with offered.rt.db.read() as s:
        row = s.exec(select(InboundEmail)).one()
    _login(client, offered, "de")
    page = client.get(f"/console/inbound/{row.id}").get_data(as_text=True)
    received = re.search(r"<dt>Empfangen</dt><dd>([^<]*)</dd>", page)
    assert received is not None and received.group(1).endswith(" · unser Mailserver")
    why = "keine eindeutige Anweisung: als Notiz behalten"
    assert f"<dt>Warum nicht angewendet</dt><dd>{why}</dd>" in page
    listing = client.get("/console/inbound/").get_data(as_text=True)
    assert why in listing and "no clear command" not in listing
