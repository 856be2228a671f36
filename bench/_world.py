"""Benchmark data built through the real actions."""

from __future__ import annotations

from email.message import EmailMessage

from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.leads.ingest import ingest
from mailflow.actions.leads.offer import offer_next_ring
from mailflow.models import Contact, Offer, Organization
from mailflow.models.schemas import LeadIn
from mailflow.rules.geo import CITIES
from mailflow.runtime import Runtime

CITY_NAMES = [c for c, (country, _, _) in CITIES.items() if country == "DE"]


def partners(rt: Runtime, count: int) -> None:
    now = rt.clock.now()
    with rt.db.transaction() as s:
        for i in range(count):
            city = CITY_NAMES[i % len(CITY_NAMES)]
            _, lat, lon = CITIES[city]
            org = Organization(
                name=f"Bench dealer {i}",
                kind="dealer",
                city=city,
                country="DE",
                lat=lat,
                lon=lon,
                created_at=now,
            )
            s.add(org)
            s.flush()
            assert org.id is not None
            s.add(
                Contact(
                    organization_id=org.id,
                    name=f"Seller {i}",
                    email=f"seller{i}@dealer{i}.example",
                    created_at=now,
                )
            )


def offered_leads(rt: Runtime, n: int) -> list[tuple[str, str, bytes]]:
    """``n`` leads, each offered to one partner; returns one pick reply per lead."""
    partners(rt, 20)
    rt.settings = rt.settings.with_(ring_size=1)
    for i in range(n):
        with unit(rt, "bench", "cli") as ctx:
            lead = ingest(
                ctx,
                LeadIn(
                    customer_email=f"c{i}@customer.example",
                    country="DE",
                    city=CITY_NAMES[i % len(CITY_NAMES)],
                    requirement="Heat pump",
                ),
            ).lead
        with unit(rt, "bench", "job") as ctx:
            assert lead.id is not None
            offer_next_ring(ctx, lead.id)
    replies = []
    with rt.db.read() as s:
        rows = s.exec(
            select(Offer, Contact).join(
                Contact, col(Contact.organization_id) == Offer.organization_id
            )
        )
        for offer, contact in rows:
            assert offer.id is not None and contact.id is not None
            rcpt = f"reply+{rt.reply_key(offer.id, contact.id)}@{rt.settings.inbound_domain}"
            replies.append((contact.email, rcpt, _reply(contact.email, rcpt, offer.id)))
    return replies


def _reply(sender: str, rcpt: str, offer_id: int) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, rcpt, "Re: New lead"
    msg["Message-ID"] = f"<bench-{offer_id}@dealer.example>"
    msg.set_content(
        "We'll take it!\n\nBest regards\nSeller\n\nOn Monday mailflow wrote:\n> New lead\n"
    )
    return msg.as_bytes()
