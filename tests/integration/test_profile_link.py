"""The partner's profile by signed link: every partner email's footer carries it, "My
leads" links to it, and the page shows the partner's data in the reader's language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.outbound import outbox
from mailflow.links.claims import LinkClaim, ProfileClaim
from mailflow.mail import kinds
from mailflow.mail.capture import MailCapture
from mailflow.models import Contact, Organization, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World

PROFILE_LINK = re.compile(r'href="(http://mailflow\.test/p/[^"]+)"[^>]*data-action="profile"')


def _send_every_kind(rt: Runtime, contact: Contact) -> None:
    with unit(rt, "test", "cli") as ctx:
        for kind in sorted(kinds.KINDS):
            outbox.queue(ctx, kind, contact, kinds.sample(kind))
    with rt.db.read() as s:
        ids = [e.id for e in s.exec(select(OutboundEmail)) if e.id is not None]
    outbox.dispatch(rt, ids)


def test_every_email_to_a_partner_carries_the_profile_link_in_its_footer(
    rt: Runtime, world: World, smtp: MailCapture, client: Any
) -> None:
    org = world.partner("Stuttgart", language="de")
    contact = world.contacts(org.id)[0]  # type: ignore[arg-type]
    _send_every_kind(rt, contact)
    # an invitation goes to a partner not active yet: its profile opens once it has joined
    messages = [
        m for m in smtp.messages() if m.message["X-Mailflow-Kind"] not in kinds.BEFORE_JOINING
    ]
    assert len(messages) == len(kinds.KINDS) - len(kinds.BEFORE_JOINING)
    for message in messages:
        found = PROFILE_LINK.search(message.part("html"))
        assert found, f"{message.message['X-Mailflow-Kind']} has no profile link"
        assert found.group(1) in message.part("plain")
        token = found.group(1).rsplit("/", 1)[1]
        assert rt.signer.read(ProfileClaim, token).contact_id == contact.id
    page = client.get(found.group(1).removeprefix("http://mailflow.test"))
    assert page.status_code == 200
    assert "Unser Profil" in page.get_data(as_text=True)


def test_emails_to_the_manufacturers_staff_carry_no_profile_link(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    world.manufacturer()
    with rt.db.read() as s:
        manager = s.exec(select(Contact).where(Contact.role == "partner_manager")).first()
    if manager is None:
        with rt.db.transaction() as s:
            manager = Contact(
                organization_id=world.manufacturer(),
                name="Paula Manager",
                email="paula@nordwind.test",
                role="partner_manager",
                created_at=rt.clock.now(),
            )
            s.add(manager)
    _send_every_kind(rt, manager)
    assert all('data-action="profile"' not in m.part("html") for m in smtp.messages())


@pytest.mark.parametrize(("lang", "title"), [("en", "Our profile"), ("fr", "Notre profil")])
def test_the_profile_page_shows_the_partners_data_in_its_language(
    rt: Runtime, world: World, client: Any, lang: str, title: str
) -> None:
    org = world.partner(
        "Stuttgart",
        language=lang,
        expertise=["heat pumps"],
        product_lines=["Heat pump 12 kW"],
        territory=["DE-7"],
        capacity=5,
        business_hours={"tz": "Europe/Berlin", "days": [0, 1, 2], "start": "07:30", "end": "16:00"},
    )
    contact = world.contacts(org.id)[0]  # type: ignore[arg-type]
    page = client.get(rt.signer.path(ProfileClaim(contact.id)))  # type: ignore[arg-type]
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"<h1>{title}</h1>" in text
    for shown in ("heat pumps", "Heat pump 12 kW", "DE-7", "07:30", "16:00", contact.email):
        assert shown in text
    assert page.headers["Cache-Control"].startswith("no-store")


def test_my_leads_links_to_the_profile(rt: Runtime, world: World, client: Any) -> None:
    world.partner("Stuttgart")
    _, [offer] = world.offered_lead()
    contact = world.contacts(offer.organization_id)[0]
    assert offer.id is not None and contact.id is not None
    portal = client.get(rt.signer.path(LinkClaim(offer.id, contact.id, "portal")))
    link = re.search(r'href="(/p/[^"]+)" data-action="profile"', portal.get_data(as_text=True))
    assert link
    assert client.get(link.group(1)).status_code == 200


def test_a_tampered_profile_link_or_one_for_the_manufacturer_opens_nothing(
    rt: Runtime, world: World, client: Any
) -> None:
    org = world.partner("Stuttgart")
    contact = world.contacts(org.id)[0]  # type: ignore[arg-type]
    path = rt.signer.path(ProfileClaim(contact.id))  # type: ignore[arg-type]
    assert client.get(path[:-3] + "abc").status_code == 404
    with rt.db.transaction() as s:
        staff = Contact(
            organization_id=world.manufacturer(),
            name="Staff",
            email="staff@nordwind.test",
            created_at=rt.clock.now(),
        )
        s.add(staff)
        s.flush()
        staff_path = rt.signer.path(ProfileClaim(staff.id))  # type: ignore[arg-type]
        partner = s.get(Organization, org.id)
        assert partner is not None
    assert client.get(staff_path).status_code == 404
