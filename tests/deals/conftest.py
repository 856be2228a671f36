"""A partner with contacts, the manufacturer's partner manager, and helpers to read what a
deal registration left behind."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import col, select

from mailflow.models import Contact, DealRegistration, Organization, OrgAssignment, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World


@dataclass
class Deals:
    rt: Runtime
    world: World
    partner: Organization
    contact: Contact
    manager: Contact

    def registrations(self) -> list[DealRegistration]:
        with self.rt.db.read() as s:
            return list(s.exec(select(DealRegistration).order_by(col(DealRegistration.id))))

    def emails(self, kind: str) -> list[OutboundEmail]:
        with self.rt.db.read() as s:
            query = select(OutboundEmail).where(OutboundEmail.kind == kind)
            return list(s.exec(query.order_by(col(OutboundEmail.id))))


@pytest.fixture
def deals(rt: Runtime, world: World) -> Deals:
    manufacturer = world.manufacturer()
    with rt.db.transaction() as s:
        manager = Contact(organization_id=manufacturer, name="Paula Berger",
                          email="pm@nordwind.test", role="partner_manager", language="de",
                          created_at=rt.clock.now())  # fmt: skip
        s.add(manager)
    partner = world.partner("Stuttgart", name="Haustechnik Schwaben GmbH", language="de")
    contact = world.contacts(partner.id)[0]  # type: ignore[arg-type]
    with rt.db.transaction() as s:  # the partner manager's own partner (the console shows it)
        fresh = s.exec(select(Contact).where(Contact.email == "pm@nordwind.test")).one()
        s.add(OrgAssignment(organization_id=partner.id, manager_contact_id=fresh.id))  # type: ignore[arg-type]
    return Deals(rt, world, partner, contact, fresh)
