"""A hypothesis state machine drives random sequences of actions — create, qualify, offer,
pick, decline, expire (the SLA sweep), reply (an email through the inbound pipeline),
feedback, withdraw and erase — and checks the invariants after every step:

* a lead has at most one owner, and only an owner's offer is ``picked``;
* contact data only ever goes to the owner: every new outbox email is rendered as it
  would be sent and searched (decoded) for the customer's name, email, phone and street;
* terminal states stay terminal;
* every transition is audited: each offer that changed state has exactly one event for
  that change, each lead's state changes form an unbroken chain of events, and no event
  claims a change that did not happen.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.inbound.store import store_raw
from mailflow.actions.leads.decline import decline
from mailflow.actions.leads.erase import erase_lead
from mailflow.actions.leads.feedback import feedback
from mailflow.actions.leads.offer import offer_next_ring
from mailflow.actions.leads.pick import pick
from mailflow.actions.leads.qualification import approve
from mailflow.actions.leads.withdraw import withdraw
from mailflow.actions.outbound import outbox
from mailflow.db import migrate
from mailflow.inbound.process import process
from mailflow.jobs.sweeps import sweep_offers
from mailflow.models import Contact, Event, Lead, Offer, OutboundEmail
from mailflow.models.schemas import FeedbackIn
from mailflow.rules.lifecycle import is_terminal_lead
from mailflow.runtime import Runtime
from tests.conftest import make_settings
from tests.factories import World
from tests.mail import reply
from tests.reliability._pii import leaks

_template: Path | None = None
_names = itertools.count()


def _database(folder: Path) -> str:
    global _template
    if _template is None:
        _template = Path(tempfile.mkdtemp()) / "template.sqlite3"
        migrate.upgrade(f"sqlite:///{_template}")
    target = folder / "db.sqlite3"
    shutil.copy(_template, target)
    return f"sqlite:///{target}"


class LeadMachine(RuleBasedStateMachine):
    @initialize()
    def world(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.rt = Runtime(make_settings(self.tmp, _database(self.tmp)))
        self.rt.send_mail_now = False
        self.world = World(self.rt)
        for city in (
            "Stuttgart",
            "Ulm",
            "Karlsruhe",
            "München",
            "Augsburg",
            "Nürnberg",
            "Regensburg",
        ):
            self.world.partner(city)
        self.leads: list[int] = []
        self.terminal: dict[int, str] = {}
        self.erased: set[int] = set()
        self.secrets: dict[int, list[str]] = {}
        self.checked_emails: set[int] = set()
        self.seen_event = 0
        self.lead_states: dict[int, str] = {}
        self.offer_states: dict[int, str] = {}

    def teardown(self) -> None:
        if hasattr(self, "rt"):
            self.rt.close()
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- rules -------------------------------------------------------------------
    @rule(
        temperature=st.sampled_from(["hot", "warm", "cold"]),
        complete=st.booleans(),
        offer_now=st.booleans(),
    )
    def create(self, temperature: str, complete: bool, offer_now: bool) -> None:
        """A complete lead passes the gate (qualified); one without a requirement waits.
        ``offer_now`` is the distribute job running at once (else the ``offer`` rule)."""
        n = next(_names)
        fields = {
            "customer_name": f"Zoë Überschär-{n}x",
            "customer_email": f"kunde{n}x@customer{n}.example",
            "customer_phone": f"+49 711 55{n:05d}",
            "customer_street": f"Weißdornweg {n}b",
        }
        lead = self.world.lead(
            temperature=temperature, **fields, **({} if complete else {"requirement": None})
        )
        assert lead.id is not None
        assert lead.state == ("qualified" if complete else "new"), lead.qualify_note
        self.leads.append(lead.id)
        self.secrets[lead.id] = list(fields.values())
        if complete and offer_now:
            with unit(self.rt, "system", "job") as ctx:
                offer_next_ring(ctx, lead.id)

    def _leads_in(self, *states: str) -> list[int]:
        with self.rt.db.read() as s:
            query = select(Lead.id).where(col(Lead.state).in_(states)).order_by(col(Lead.id))
            return [i for i in s.exec(query) if i is not None]

    @precondition(lambda self: bool(self.leads))
    @rule(i=st.integers(0, 50))
    def qualify(self, i: int) -> None:
        waiting = self._leads_in("new")
        if waiting:
            lead_id = waiting[i % len(waiting)]
            self._try(lambda ctx: approve(ctx, lead_id, "checked by phone"))

    @precondition(lambda self: bool(self.leads))
    @rule(i=st.integers(0, 50))
    def offer(self, i: int) -> None:
        ready = self._leads_in("qualified")
        if ready:
            lead_id = ready[i % len(ready)]
            with unit(self.rt, "system", "job") as ctx:
                offer_next_ring(ctx, lead_id)

    @precondition(lambda self: bool(self.leads))
    @rule(hours=st.sampled_from([1, 5, 13, 30, 80]))
    def expire(self, hours: int) -> None:
        """Time passes and the SLA sweep runs: overdue offers expire, leads move on."""
        self.rt.clock.advance(hours=hours)
        sweep_offers(self.rt)

    @precondition(lambda self: bool(self.leads))
    @rule(i=st.integers(0, 50))
    def withdraw_one(self, i: int) -> None:
        lead_id = self.leads[i % len(self.leads)]
        self._try(lambda ctx: withdraw(ctx, lead_id, "the customer changed their mind"))

    def _open_offers(self) -> list[tuple[Offer, Contact]]:
        with self.rt.db.read() as s:
            return list(
                s.exec(
                    select(Offer, Contact)
                    .join(Contact, col(Contact.organization_id) == Offer.organization_id)
                    .where(Offer.state == "open")
                    .order_by(col(Offer.id))
                )
            )

    def _picked_offers(self) -> list[tuple[Offer, Contact]]:
        with self.rt.db.read() as s:
            return list(
                s.exec(
                    select(Offer, Contact)
                    .join(Contact, col(Contact.organization_id) == Offer.organization_id)
                    .where(Offer.state == "picked")
                    .order_by(col(Offer.id))
                )
            )

    @precondition(lambda self: bool(self.leads))
    @rule(i=st.integers(0, 50), by_reply=st.booleans())
    def pick_one(self, i: int, by_reply: bool) -> None:
        offers = self._open_offers()
        if not offers:
            return
        offer, contact = offers[i % len(offers)]
        if by_reply:
            self._reply(offer, contact, "we'll take it")
            return
        self._try(lambda ctx: pick(ctx, offer.id, contact.id))  # type: ignore[arg-type]

    @precondition(lambda self: bool(self.leads))
    @rule(i=st.integers(0, 50), reason=st.sampled_from(["too far", None, "no capacity"]))
    def decline_one(self, i: int, reason: str | None) -> None:
        offers = self._open_offers()
        if offers:
            offer, contact = offers[i % len(offers)]
            self._try(lambda ctx: decline(ctx, offer.id, contact.id, reason))  # type: ignore[arg-type]

    @precondition(lambda self: bool(self.leads))
    @rule(
        i=st.integers(0, 50),
        stage=st.sampled_from(["contacted", "meeting", "proposal", "won", "lost"]),
        by_reply=st.booleans(),
    )
    def report(self, i: int, stage: str, by_reply: bool) -> None:
        picked = self._picked_offers()
        if not picked:
            return
        offer, contact = picked[i % len(picked)]
        if by_reply:
            self._reply(
                offer, contact, {"won": "won 12.500 €", "lost": "lost: price"}.get(stage, stage)
            )
            return
        data = FeedbackIn(stage=stage, amount=12500 if stage == "won" else None)  # type: ignore[arg-type]
        self._try(lambda ctx: feedback(ctx, offer.id, contact.id, data))  # type: ignore[arg-type]

    @precondition(lambda self: len(set(self.leads) - self.erased) >= 2)
    @rule(i=st.integers(0, 50))
    def erase(self, i: int) -> None:
        candidates = sorted(set(self.leads) - self.erased)
        lead_id = candidates[i % len(candidates)]
        with unit(self.rt, "cli", "cli") as ctx:
            erase_lead(ctx, lead_id)
        self.erased.add(lead_id)

    def _try(self, action) -> None:  # type: ignore[no-untyped-def]
        try:
            with unit(self.rt, "test", "web") as ctx:
                action(ctx)
        except ActionError:
            pass  # refused, and nothing changed (checked by the invariants)

    def _reply(self, offer: Offer, contact: Contact, text: str) -> None:
        key = self.rt.reply_key(offer.id, contact.id)  # type: ignore[arg-type]
        raw = reply(text, to=f"reply+{key}@{self.rt.settings.inbound_domain}", sender=contact.email)
        process(
            self.rt, store_raw(self.rt, raw, channel="smtp", mail_from=contact.email, rcpt_to=[])
        )

    # -- invariants --------------------------------------------------------------
    @invariant()
    def at_most_one_owner(self) -> None:
        if not hasattr(self, "rt"):
            return
        with self.rt.db.read() as s:
            for lead in s.exec(select(Lead)):
                picked = s.exec(
                    select(Offer).where(Offer.lead_id == lead.id, Offer.state == "picked")
                ).all()
                assert len(picked) <= 1
                if picked:
                    assert lead.owner_id == picked[0].organization_id
                else:
                    assert lead.owner_id is None

    @invariant()
    def contact_data_only_to_the_owner(self) -> None:
        """Every new email, rendered and composed as it would be sent, decoded and searched."""
        if not hasattr(self, "rt"):
            return
        with self.rt.db.read() as s:
            owners = {lead.id: lead.owner_id for lead in s.exec(select(Lead))}
            orgs = {c.id: c.organization_id for c in s.exec(select(Contact))}
            fresh = [
                e
                for e in s.exec(select(OutboundEmail).order_by(col(OutboundEmail.id)))
                if e.id not in self.checked_emails
            ]
        for email in fresh:
            assert email.id is not None
            self.checked_emails.add(email.id)
            if email.lead_id is None or email.context == {"erased": True}:
                continue
            found = leaks(outbox.build(self.rt, email), self.secrets[email.lead_id])
            if found:
                assert orgs[email.contact_id] == owners[email.lead_id], (email.kind, found)
            if email.kind == "details" and email.lead_id not in self.erased:
                assert found, "the owner's details email: the search must find the data"

    @invariant()
    def terminal_states_stay_terminal(self) -> None:
        if not hasattr(self, "rt"):
            return
        with self.rt.db.read() as s:
            for lead in s.exec(select(Lead)):
                assert lead.id is not None
                if lead.id in self.terminal:
                    assert lead.state == self.terminal[lead.id]
                elif is_terminal_lead(lead.state):
                    self.terminal[lead.id] = lead.state

    @invariant()
    def every_transition_is_audited(self) -> None:
        if not hasattr(self, "rt"):
            return
        with self.rt.db.read() as s:
            leads = {lead.id: lead.state for lead in s.exec(select(Lead))}
            offers = {offer.id: offer.state for offer in s.exec(select(Offer))}
            new = list(
                s.exec(
                    select(Event)
                    .where(col(Event.id) > self.seen_event, col(Event.to_state).is_not(None))
                    .order_by(col(Event.id))
                )
            )
        for offer_id, state in offers.items():
            before = self.offer_states.get(offer_id)
            changes = [
                (e.from_state, e.to_state)
                for e in new
                if e.offer_id == offer_id and e.kind.startswith("offer.")
            ]
            if before is None:  # offered in this step: opened, perhaps already closed
                assert state == "open" or changes[-1:] == [("open", state)], (state, changes)
            elif before != state:
                assert changes == [(before, state)], (offer_id, before, state, changes)
            else:
                assert changes == [], (offer_id, state, changes)
        for lead_id, state in leads.items():
            assert lead_id is not None
            chain = [e for e in new if e.lead_id == lead_id and e.kind.startswith("lead.")]
            before = self.lead_states.get(lead_id)
            if not chain:
                assert before == state, f"lead {lead_id}: {before} → {state} without an event"
                continue
            assert chain[0].from_state == before, (lead_id, before, chain[0].kind)
            assert chain[-1].to_state == state, (lead_id, state, chain[-1].kind)
            for earlier, later in itertools.pairwise(chain):
                assert later.from_state == earlier.to_state, (earlier.kind, later.kind)
        self.lead_states = {k: v for k, v in leads.items() if k is not None}
        self.offer_states = {k: v for k, v in offers.items() if k is not None}
        self.seen_event = max([self.seen_event, *(e.id for e in new if e.id is not None)])


LeadMachine.TestCase.settings = settings(
    max_examples=10,  # ~300 steps: < 60 s on an idle machine, < 300 s (the timeout) loaded
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_lead_state_machine = LeadMachine.TestCase
