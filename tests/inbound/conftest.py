"""An offered lead whose offer emails went out, so replies can be routed to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import select

from mailflow.actions.inbound.store import store_raw
from mailflow.actions.outbound import outbox
from mailflow.inbound.process import process
from mailflow.models import Contact, Lead, Offer
from mailflow.runtime import Runtime
from tests.factories import World
from tests.mail import reply


@dataclass
class Offered:
    rt: Runtime
    world: World
    lead: Lead
    offers: list[Offer]
    contacts: list[Contact]

    def reply_to(self, i: int) -> str:
        key = self.rt.reply_key(self.offers[i].id, self.contacts[i].id)  # type: ignore[arg-type]
        return f"reply+{key}@{self.rt.settings.inbound_domain}"

    def reply_from(self, i: int, text: str, message_id: str | None = None) -> bytes:
        """A reply by the ``i``-th offered partner's contact to its offer email."""
        sender = self.contacts[i].email
        return reply(text, to=self.reply_to(i), sender=sender, message_id=message_id)

    def store(self, raw: bytes, rcpt: list[str] | None = None) -> int:
        """Store like the SMTP server does; queueing the job is the caller's."""
        return store_raw(self.rt, raw, channel="smtp", mail_from="x@y", rcpt_to=rcpt or [])

    def deliver(self, raw: bytes, rcpt: list[str] | None = None) -> str:
        """Store and process like the SMTP server and the job do; returns the final state."""
        outcome = process(self.rt, self.store(raw, rcpt))
        assert outcome is not None
        return outcome.state

    def keep_open(self, days: int) -> None:
        """The lead's offers stay open ``days`` from now (a cold lead's longer SLA), for a
        test that lets a day pass before the partner answers."""
        with self.rt.db.transaction() as s:
            for offer in s.exec(select(Offer).where(Offer.lead_id == self.lead.id)):
                offer.expires_at = self.rt.clock.now() + timedelta(days=days)

    def lead_state(self) -> str:
        return self.world.reload(self.lead).state

    def offer_states(self) -> list[str]:
        return [o.state for o in self.world.offers(self.lead.id)]  # type: ignore[arg-type]


@pytest.fixture
def offered(rt: Runtime, world: World, smtp: object) -> Offered:
    for city in ("Stuttgart", "Ulm", "Karlsruhe", "München", "Augsburg"):
        world.partner(city, contacts=2)
    lead, offers = world.offered_lead()
    contacts = [world.contacts(o.organization_id)[0] for o in offers]
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))
    return Offered(rt, world, lead, offers, contacts)
