"""Test data: partners with contacts, leads, API keys — built through the real actions."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from mailflow.actions import unit
from mailflow.actions.console import apikeys
from mailflow.actions.leads.ingest import ingest
from mailflow.actions.leads.offer import offer_next_ring
from mailflow.models import AwayPeriod, Contact, Lead, Offer, Organization
from mailflow.models.schemas import LeadIn
from mailflow.rules.geo import CITIES
from mailflow.runtime import Runtime

_seq = itertools.count(1)

LEAD_DEFAULTS: dict[str, Any] = {
    "customer_name": "Erika Mustermann",
    "customer_company": "Mustermann Bau GmbH",
    "customer_email": "erika@mustermann-bau.example",
    "customer_phone": "+49 711 5550123",
    "customer_street": "Königstraße 28",
    "postal_code": "70173",
    "city": "Stuttgart",
    "country": "DE",
    "temperature": "warm",
    "product_line": "Heat pump 12 kW",
    "requirement": "Replace gas boiler in a family house, 160 m².",
    "value": "18000",
}


class World:
    """Builds organizations and leads for a test."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.manufacturer_id: int | None = None

    def manufacturer(self) -> int:
        if self.manufacturer_id is None:
            with self.rt.db.transaction() as s:
                org = Organization(
                    name="Nordwind",
                    kind="manufacturer",
                    country="DE",
                    created_at=self.rt.clock.now(),
                )
                s.add(org)
                s.flush()
                self.manufacturer_id = org.id
        assert self.manufacturer_id is not None
        return self.manufacturer_id

    def partner(
        self,
        city: str = "Stuttgart",
        *,
        name: str | None = None,
        contacts: int = 1,
        language: str = "en",
        kind: str = "dealer",
        **fields: Any,
    ) -> Organization:
        country, lat, lon = CITIES[city]
        n = next(_seq)
        with self.rt.db.transaction() as s:
            org = Organization(
                name=name or f"Dealer {n} {city}",
                kind=kind,
                city=city,
                country=country,
                lat=lat,
                lon=lon,
                created_at=self.rt.clock.now(),
                **fields,
            )
            s.add(org)
            s.flush()
            assert org.id is not None
            for i in range(contacts):
                s.add(
                    Contact(
                        organization_id=org.id,
                        name=f"Contact {n}.{i}",
                        email=f"c{n}.{i}@dealer{n}.example",
                        language=language,
                        created_at=self.rt.clock.now(),
                    )
                )
        return org

    def pause(self, organization_id: int, until: datetime) -> AwayPeriod:
        """The partner pauses its offers from now until ``until``: an away period of its
        first contact with no colleague taking over (its start handed on already)."""
        contact = self.contacts(organization_id)[0]
        assert contact.id is not None
        now = self.rt.clock.now()
        with self.rt.db.transaction() as s:
            period = AwayPeriod(
                organization_id=organization_id,
                contact_id=contact.id,
                starts_at=now,
                ends_at=until,
                created_at=now,
                handed_on_at=now,
            )
            s.add(period)
        return period

    def contacts(self, organization_id: int) -> list[Contact]:
        from sqlmodel import select

        with self.rt.db.read() as s:
            return list(s.exec(select(Contact).where(Contact.organization_id == organization_id)))

    def api_key(self, organization_id: int | None = None) -> str:
        key = apikeys.new_key()
        with self.rt.db.transaction() as s:
            apikeys.store(
                s, organization_id or self.manufacturer(), key, "test", self.rt.clock.now()
            )
        return key

    def lead(self, **fields: Any) -> Lead:
        """A lead ingested through the real action (qualified, not yet offered).

        The first lead of a world is the LEAD_DEFAULTS customer; later ones are other
        customers, so duplicate detection does not merge them into the first."""
        self.leads_made = getattr(self, "leads_made", 0) + 1
        values = {**LEAD_DEFAULTS, **self._another_customer(self.leads_made), **fields}
        with unit(self.rt, "test", "cli") as ctx:
            return ingest(ctx, LeadIn(**values)).lead

    @staticmethod
    def _another_customer(n: int) -> dict[str, Any]:
        if n == 1:
            return {}
        return {
            "customer_email": f"kunde{n}@firma{n}.example",
            "customer_name": f"Kundin Nummer{n}",
        }

    def offered_lead(self, **fields: Any) -> tuple[Lead, list[Offer]]:
        lead = self.lead(**fields)
        assert lead.id is not None
        with unit(self.rt, "test", "job") as ctx:
            offers = offer_next_ring(ctx, lead.id)
        return self.reload(lead), offers

    def reload(self, lead: Lead) -> Lead:
        with self.rt.db.read() as s:
            fresh = s.get(Lead, lead.id)
            assert fresh is not None
            return fresh

    def offers(self, lead_id: int) -> list[Offer]:
        from sqlmodel import col, select

        with self.rt.db.read() as s:
            return list(
                s.exec(select(Offer).where(Offer.lead_id == lead_id).order_by(col(Offer.id)))
            )
