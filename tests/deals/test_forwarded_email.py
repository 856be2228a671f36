"""A customer's email forwarded to deals@: through the real SMTP server and through
`mailflow inbound deliver`, it becomes a draft registration the partner checks; a sender
we do not know registers nothing and is told so once a day."""

from __future__ import annotations

import os
import smtplib
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mailflow.actions.inbound.store import store_raw
from mailflow.inbound.mailbox.ours import ours
from mailflow.inbound.process import process
from mailflow.inbound.receive.server import make_server
from mailflow.models import InboundEmail, Lead
from mailflow.runtime import Runtime
from tests.conftest import TEST_KEYS
from tests.deals.conftest import Deals

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eml"
DEALS = "deals@reply.mailflow.test"


def _fixture(name: str, sender: str) -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"SENDER", sender.encode())


@pytest.fixture
def server(rt: Runtime) -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    controller = make_server(rt, "127.0.0.1", port)
    controller.start()
    yield port
    controller.stop()


def _inbound(rt: Runtime) -> list[InboundEmail]:
    with rt.db.read() as s:
        return list(s.exec(select(InboundEmail)))


def test_a_forwarded_email_through_smtp_becomes_a_draft_the_partner_checks(
    deals: Deals, server: int
) -> None:
    raw = _fixture("deal_forward_gmail_de.eml", deals.contact.email)
    with smtplib.SMTP("127.0.0.1", server) as smtp:
        assert smtp.sendmail(deals.contact.email, [DEALS], raw) == {}
    (stored,) = _inbound(deals.rt)  # stored before the 250
    assert process(deals.rt, stored.id) is not None  # type: ignore[arg-type]
    (deal,) = deals.registrations()
    assert (deal.state, deal.channel, deal.organization_id) == ("draft", "email",
                                                                deals.partner.id)  # fmt: skip
    assert deal.customer_name == "Jonas Weber"
    assert deal.customer_email == "j.weber@weber-haustechnik.example"
    assert deal.customer_company == "Weber Haustechnik GmbH"
    assert deal.customer_phone == "+49 711 987654" and deal.value == Decimal("42000.00")
    assert deal.note == "Bitte als Projekt registrieren – der Kunde war bei uns auf der Messe."
    assert deal.requirement and "zwei Wärmepumpen" in deal.requirement
    assert deal.inbound_email_id == stored.id
    (told,) = deals.emails("deal_understood")
    assert told.to_addr == deals.contact.email and told.language == "de"
    assert deals.emails("deal_review") == []  # the staff see it once the partner confirmed


def test_the_smtp_server_takes_deals_with_a_signed_key_and_refuses_a_forged_one(
    deals: Deals, server: int
) -> None:
    key = deals.rt.signer.deal_key(deals.contact.id)  # type: ignore[arg-type]
    raw = _fixture("deal_forward_outlook_fr.eml", "pierre.perso@gmail.example")
    with smtplib.SMTP("127.0.0.1", server) as smtp:
        smtp.ehlo()
        smtp.mail("pierre.perso@gmail.example")
        code, _ = smtp.rcpt(f"deals+{key[:-2]}zz@reply.mailflow.test")
        assert code == 550
        smtp.rset()
        assert smtp.sendmail("pierre.perso@gmail.example",
                             [f"deals+{key}@reply.mailflow.test"], raw) == {}  # fmt: skip
    (stored,) = _inbound(deals.rt)
    process(deals.rt, stored.id)  # type: ignore[arg-type]
    (deal,) = deals.registrations()  # the key names the partner, whatever the From
    assert deal.contact_id == deals.contact.id and deal.customer_company == "Bâtiment Sud SARL"
    assert (deal.customer_email, deal.value) == ("claire.martin@batiment-sud.example",
                                                 Decimal("25000.00"))  # fmt: skip
    assert deal.customer_phone == "04 91 12 34 56" and deal.note == "Pour enregistrement, merci."


def test_an_unknown_sender_registers_nothing_and_is_told_once_a_day(deals: Deals) -> None:
    stranger = "someone@unknown.example"
    states = []
    for n in range(2):
        raw = _fixture("deal_forward_gmail_de.eml", stranger).replace(
            b"fwd-gmail-de-1", f"fwd-stranger-{n}".encode()
        )
        stored = store_raw(deals.rt, raw, channel="smtp", mail_from=stranger, rcpt_to=[DEALS])
        outcome = process(deals.rt, stored)
        assert outcome is not None
        states.append(outcome.state)
    assert states == ["refused", "refused"] and deals.registrations() == []
    (told,) = deals.emails("deal_refused")
    assert told.to_addr == stranger and told.contact_id is None


def test_inbound_deliver_registers_a_forwarded_email(deals: Deals, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env.update({
        "MAILFLOW_DATA_DIR": str(tmp_path),
        "MAILFLOW_SECRET_KEYS": TEST_KEYS,
        "MAILFLOW_DATABASE_URL": deals.rt.settings.database_url,
        "MAILFLOW_INBOUND_DOMAIN": deals.rt.settings.inbound_domain,
        "MAILFLOW_INBOUND_MIN_FREE_BYTES": str(16 * 1024 * 1024),
        "RECIPIENT": DEALS,
    })  # fmt: skip
    raw = _fixture("deal_forward_gmail_de.eml", deals.contact.email)
    done = subprocess.run([sys.executable, "-m", "mailflow.cli", "inbound", "deliver", "-"],
                          input=raw, env=env, capture_output=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    (deal,) = deals.registrations()
    assert deal.state == "draft" and deal.customer_company == "Weber Haustechnik GmbH"
    assert [e.to_addr for e in deals.emails("deal_understood")] == [deals.contact.email]


def test_a_forwarded_email_ends_as_an_approved_lead_of_the_partner_with_its_exclusivity(
    client: Any, deals: Deals, server: int
) -> None:
    """The whole way: SMTP → draft → the partner confirms → one click approves."""
    raw = _fixture("deal_forward_gmail_de.eml", deals.contact.email)
    with smtplib.SMTP("127.0.0.1", server) as smtp:
        smtp.sendmail(deals.contact.email, [DEALS], raw)
    (stored,) = _inbound(deals.rt)
    process(deals.rt, stored.id)  # type: ignore[arg-type]
    (understood,) = deals.emails("deal_understood")
    base = deals.rt.settings.base_url
    page = str(understood.context["links"]["deal"]).removeprefix(base)
    shown = understood.context["deal"]  # the partner confirms it as it was read
    fields = ("customer_name", "customer_company", "customer_email", "customer_phone",
              "requirement", "value", "note")  # fmt: skip
    form = {name: str(shown[name]) for name in fields if shown[name] is not None}
    assert client.post(page, data={**form, "currency": "EUR"}).status_code == 200
    (review,) = deals.emails("deal_review")
    decide = str(review.context["links"]["decide"]).removeprefix(base)
    assert client.post(decide, data={"decision": "approve"}).status_code == 200
    (deal,) = deals.registrations()
    assert deal.state == "approved" and deal.decided_at is not None
    assert deal.exclusive_until == deal.decided_at + timedelta(days=90)
    with deals.rt.db.read() as s:
        lead = s.get(Lead, deal.lead_id)
    assert lead is not None and (lead.state, lead.owner_id) == ("picked", deals.partner.id)
    assert lead.customer_email == "j.weber@weber-haustechnik.example"
    assert lead.value == Decimal("42000.00") and lead.source == "deal_registration"


def test_a_mailbox_takes_mail_to_the_deals_addresses_and_leaves_a_forged_key(
    deals: Deals,
) -> None:
    key = deals.rt.signer.deal_key(deals.contact.id)  # type: ignore[arg-type]
    header = b"From: max@dealer.example\r\nTo: %s\r\nSubject: Fwd: x\r\n\r\n"
    taken = ours(deals.rt, {
        1: header % DEALS.encode(),
        2: header % f"deals+{key}@reply.mailflow.test".encode(),
        3: header % f"deals+{key[:-1]}x@reply.mailflow.test".encode(),
        4: header % b"deals@elsewhere.example",
    })  # fmt: skip
    assert taken == {1: [DEALS], 2: [f"deals+{key}@reply.mailflow.test"]}
