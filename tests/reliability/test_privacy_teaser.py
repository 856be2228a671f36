"""Teaser emails for 50 generated leads carry no name, company, email, phone or street of
the customer — not in the subject, the headers, the text or HTML body (decoded), the URLs
nor the payloads of the signed tokens in them. Only the owner's details email does, which
also shows that the search finds what it looks for."""

from __future__ import annotations

import random

import pytest
from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.leads.pick import pick
from mailflow.actions.outbound import outbox
from mailflow.mail.capture import MailCapture
from mailflow.models import Contact, Lead, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World
from tests.reliability._pii import (
    customer,
    folded,
    leaks,
    readable,
    secrets_of,
    token_payloads,
)

LEADS = 50
PICKED = 10
CITIES = ("Stuttgart", "Ulm", "Karlsruhe")


# What an email shows does not depend on the database: one backend keeps the suite short.
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_teasers_for_50_generated_leads_carry_no_contact_data(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    rng = random.Random(9)
    for city in CITIES:
        world.partner(city)
    customers: dict[int, list[str]] = {}
    for n in range(LEADS):
        fields = customer(rng, n)
        lead, offers = world.offered_lead(city=rng.choice(CITIES), postal_code="70173", **fields)
        assert lead.id is not None and offers, "every lead must be offered"
        customers[lead.id] = secrets_of(fields)
        if n < PICKED:  # the owner gets the details, the others a "taken" notice
            contact = world.contacts(offers[0].organization_id)[0]
            with unit(rt, "test", "web") as ctx:
                pick(ctx, offers[0].id, contact.id)  # type: ignore[arg-type]
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))

    with rt.db.read() as s:
        rows = {e.message_id: e for e in s.exec(select(OutboundEmail))}
        owners = {lead.id: lead.owner_id for lead in s.exec(select(Lead))}
        org_of = {c.id: c.organization_id for c in s.exec(select(Contact))}
    mails = smtp.messages()
    assert len(mails) == len(rows) > LEADS * 3
    teasers = details = 0
    everyone = [secret for secrets in customers.values() for secret in secrets]
    for mail in mails:
        places = folded(mail.raw)
        row = rows[places["headers"].split("message-id: <", 1)[1].split(">", 1)[0]]
        assert row.lead_id is not None
        found = leaks(places, customers[row.lead_id])
        if org_of[row.contact_id] == owners[row.lead_id]:  # the owner
            details += bool(found)
            continue
        teasers += 1
        assert found == [], f"{row.kind} to a non-owner leaks {found}"
        assert leaks(places, everyone) == [], row.kind  # nor another lead's customer
    assert teasers >= LEADS * len(CITIES)
    assert details == PICKED  # each owner's email does carry them


def test_the_search_decodes_tokens_and_encoded_bodies() -> None:
    """The detector itself: a secret only in base64 body, an encoded-word subject and a
    signed token's payload is still found."""
    from email.message import EmailMessage

    from itsdangerous import URLSafeTimedSerializer

    token = URLSafeTimedSerializer("k", salt="s").dumps({"who": "Jürgen Überschär"})
    msg = EmailMessage()
    msg["Subject"] = "Lead für Zoë Weißmüller"
    msg.set_content(f"Hallo Ömer Öztürk\nhttp://x.test/a/{token}\n", cte="base64")
    raw = msg.as_bytes()
    for word in ("Weißmüller", "Jürgen", "Ömer"):
        assert word.encode() not in raw
    places = readable(raw)
    assert "Weißmüller" in places["subject"] and "Ömer Öztürk" in places["body"]
    assert any("Überschär" in p for p in token_payloads(places["urls"]))
    assert len(leaks(raw, ["Zoë Weißmüller", "Ömer Öztürk", "Jürgen Überschär"])) >= 3
