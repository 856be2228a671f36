"""The console's "Mail connections" page: each connection with its last success, its last
error in plain words (in the reader's language) and the messages waiting; staff only."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from mailflow.actions.connection_alert import alert_admins
from mailflow.actions.connections import record_failure, record_success
from mailflow.actions.outbound import outbox
from mailflow.mail.capture import MailCapture
from mailflow.models import Contact, Event
from mailflow.runtime import Runtime
from tests.factories import World
from tests.integration.test_console import _login, _user

GRAPH = "graph://contoso.onmicrosoft.com/leads@nordwind.test"


def test_staff_see_each_connection_with_its_trouble_in_plain_words(
    client: Any, rt: Runtime, world: World
) -> None:
    record_success(rt, "imaps://sales@imap.nordwind.test:993/INBOX", "inbound", "imap")
    record_failure(
        rt,
        GRAPH,
        "inbound",
        "graph",
        "the provider refused the credentials: invalid_client (AADSTS7000215)",
        auth=True,
        waiting=2,
    )
    record_success(rt, "smtp://relay.nordwind.test:587", "outbound", "smtp")
    _user(rt, world)
    with rt.db.transaction() as s:
        user = s.exec(select(Contact).where(Contact.email == "ops@nordwind.test")).one()
        user.language = "de"
    _login(client)
    page = client.get("/console/connections")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Mail-Verbindungen" in html and GRAPH in html and "AADSTS7000215" in html
    assert "Der Anbieter hat unsere Anmeldung abgelehnt" in html
    assert "Eingehend" in html and "Ausgehend" in html
    with rt.db.read() as s:
        kinds = [e.kind for e in s.exec(select(Event))]
    assert kinds.count("mail_connection.failing") == 1

    rt.clock.advance(minutes=16)
    html = client.get("/console/connections").get_data(as_text=True)
    assert html.count("Seit mehr als 15 Minuten nicht gelesen.") == 2  # both mailboxes
    record_success(rt, GRAPH, "inbound", "graph")
    with rt.db.read() as s:
        kinds = [e.kind for e in s.exec(select(Event))]
    assert "mail_connection.working" in kinds


def test_partners_cannot_open_the_connections_page(client: Any, rt: Runtime, world: World) -> None:
    _user(rt, world, role="manager", email="boss@dealer.test")
    _login(client, email="boss@dealer.test")
    assert client.get("/console/connections").status_code == 403


def test_the_admins_are_emailed_once_per_trouble_in_their_language(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    _user(rt, world)  # an admin of the manufacturer
    with rt.db.transaction() as s:
        user = s.exec(select(Contact).where(Contact.email == "ops@nordwind.test")).one()
        user.language = "de"
    record_success(rt, "imaps://sales@imap.nordwind.test:993/INBOX", "inbound", "imap")
    record_failure(rt, GRAPH, "inbound", "graph", "invalid_client (AADSTS7000215)", auth=True)
    assert alert_admins(rt) == 1  # the refused sign-in at once
    assert alert_admins(rt) == 0  # only once
    rt.clock.advance(minutes=16)
    assert alert_admins(rt) == 1  # now the IMAP mailbox too: not read for 16 minutes
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))
    mails = smtp.messages()
    assert len(mails) == 2 and all(m.to == ["ops@nordwind.test"] for m in mails)
    first = mails[0].part("plain")
    assert GRAPH in first and "Der Anbieter hat unsere Anmeldung abgelehnt" in first
    assert "AADSTS7000215" in first and "/console/connections" in first
    assert "Seit mehr als 15 Minuten nicht gelesen." in mails[1].part("plain")

    record_success(rt, GRAPH, "inbound", "graph")  # working again: a new trouble is told
    record_failure(rt, GRAPH, "inbound", "graph", "invalid_grant", auth=True)
    assert alert_admins(rt) == 1
