"""A partner hierarchy for visibility tests: every role, each with leads of its own.

manufacturer Nordwind: admin, partner managers pm1 (territory North, postal codes 7xxxx)
and pm2 (territory
South, 8xxxx, and the agency directly)
  distributor D1 (North): manager d1
    dealer A1: manager a1, reps r1 and r2
    dealer A2: manager a2
  dealer B (South): manager b, a plain sales contact
  agency G (pm2 directly): manager g
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from mailflow.models import Contact, Lead, Offer, Organization, OrgAssignment, Territory
from mailflow.rules.passwords import hash_password
from mailflow.runtime import Runtime

PASSWORD = "correct horse battery"
_HASH: list[str] = []


@dataclass
class Hierarchy:
    orgs: dict[str, int] = field(default_factory=dict)
    contacts: dict[str, int] = field(default_factory=dict)
    leads: dict[str, int] = field(default_factory=dict)

    def email(self, who: str) -> str:
        return f"{who}@roles.example"


# Leads nobody owns: "Boffer" is offered to B, "Nfree" lies in North's postal range.
UNOWNED = frozenset({"Boffer", "Nfree"})
# Lead names visible to each console role (partner side: owned only).
EXPECTED = {
    "admin": {"A1r1", "A1r2", "A2", "B", "G", "Boffer", "Nfree"},
    "pm1": {"A1r1", "A1r2", "A2", "Nfree"},
    "pm2": {"B", "G", "Boffer"},
    "d1": {"A1r1", "A1r2", "A2"},
    "a1": {"A1r1", "A1r2"},
    "a2": {"A2"},
    "r1": {"A1r1"},
    "r2": {"A1r2"},
    "b": {"B"},
    "g": {"G"},
}


def build(rt: Runtime) -> Hierarchy:
    h = Hierarchy()
    now = rt.clock.now()
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    with rt.db.transaction() as s:

        def org(name: str, kind: str, parent: str | None = None) -> None:
            row = Organization(
                name=name,
                kind=kind,
                parent_id=h.orgs[parent] if parent else None,
                country="DE",
                city="Stuttgart",
                created_at=now,
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            h.orgs[name] = row.id

        def person(who: str, org_name: str, role: str) -> None:
            row = Contact(
                organization_id=h.orgs[org_name],
                name=who.upper(),
                email=h.email(who),
                role=role,
                timezone="Europe/Berlin",
                password_hash=_HASH[0],
                created_at=now,
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            h.contacts[who] = row.id

        org("Nordwind", "manufacturer")
        org("D1", "distributor", "Nordwind")
        org("A1", "dealer", "D1")
        org("A2", "dealer", "D1")
        org("B", "dealer", "Nordwind")
        org("G", "agency", "Nordwind")
        person("admin", "Nordwind", "admin")
        person("pm1", "Nordwind", "partner_manager")
        person("pm2", "Nordwind", "partner_manager")
        person("d1", "D1", "manager")
        person("a1", "A1", "manager")
        person("r1", "A1", "rep")
        person("r2", "A1", "rep")
        person("a2", "A2", "manager")
        person("b", "B", "manager")
        person("bsales", "B", "sales")
        person("g", "G", "manager")
        north = Territory(
            name="North",
            country="DE",
            postal_from="70000",
            postal_to="79999",
            manager_contact_id=h.contacts["pm1"],
            created_at=now,
        )
        south = Territory(
            name="South",
            country="DE",
            postal_from="80000",
            postal_to="89999",
            manager_contact_id=h.contacts["pm2"],
            created_at=now,
        )
        s.add_all([north, south])
        s.flush()
        s.add(OrgAssignment(organization_id=h.orgs["D1"], territory_id=north.id))
        s.add(OrgAssignment(organization_id=h.orgs["B"], territory_id=south.id))
        s.add(OrgAssignment(organization_id=h.orgs["G"], manager_contact_id=h.contacts["pm2"]))

        def lead(name: str, owner: str | None, rep: str | None, offered_to: str) -> None:
            picked = owner is not None
            row = Lead(
                state="contacted" if picked else "offered",
                customer_name=f"Customer {name}",
                customer_email=f"{name.lower()}@customer.example",
                city="Stuttgart",
                country="DE",
                value=Decimal(10000),
                owner_id=h.orgs[owner] if owner else None,
                owner_contact_id=h.contacts[rep] if rep else None,
                created_at=now - timedelta(days=30),
                updated_at=now - timedelta(days=20),
                offered_at=now - timedelta(days=10),
                picked_at=now - timedelta(days=9) if picked else None,
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            h.leads[name] = row.id
            s.add(
                Offer(
                    lead_id=row.id,
                    organization_id=h.orgs[offered_to],
                    state="picked" if picked else "open",
                    offered_at=now - timedelta(days=10),
                    expires_at=now + timedelta(days=1),
                    responded_at=now - timedelta(days=9) if picked else None,
                    responded_by_id=h.contacts[rep] if rep else None,
                )
            )

        lead("A1r1", "A1", "r1", "A1")
        lead("A1r2", "A1", "r2", "A1")
        lead("A2", "A2", "a2", "A2")
        lead("B", "B", "b", "B")
        lead("G", "G", "g", "G")
        lead("Boffer", None, None, "B")
        free = Lead(
            state="unassigned",
            customer_name="Customer Nfree",
            customer_email="nfree@customer.example",
            postal_code="70173",
            city="Stuttgart",
            country="DE",
            created_at=now - timedelta(days=3),
            updated_at=now - timedelta(days=3),
        )
        s.add(free)
        s.flush()
        assert free.id is not None
        h.leads["Nfree"] = free.id
    return h
