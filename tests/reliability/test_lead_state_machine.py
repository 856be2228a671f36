"""A hypothesis state machine drives random sequences of actions — create, offer, pick,
decline, reply, feedback, erase — and checks the invariants after every step:

* a lead has at most one owner, and only an owner's offer is ``picked``;
* contact data only ever goes to the owner (emails and their rendered text);
* terminal states stay terminal;
* every change of a lead's state is in the audit log.
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

from mailflow import migrate
from mailflow.actions import unit
from mailflow.actions.decline import decline
from mailflow.actions.erase import erase_lead
from mailflow.actions.errors import ActionError
from mailflow.actions.feedback import feedback
from mailflow.actions.offer import offer_next_ring
from mailflow.actions.pick import pick
from mailflow.inbound.process import process
from mailflow.inbound.store import store_raw
from mailflow.lifecycle import is_terminal_lead
from mailflow.models import Contact, Event, Lead, Offer, OutboundEmail
from mailflow.runtime import Runtime
from mailflow.schemas import FeedbackIn
from tests.conftest import make_settings
from tests.factories import World
from tests.mail import reply

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

    def teardown(self) -> None:
        if hasattr(self, "rt"):
            self.rt.close()
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- rules -------------------------------------------------------------------
    @rule(temperature=st.sampled_from(["hot", "warm", "cold"]))
    def create_and_offer(self, temperature: str) -> None:
        n = next(_names)
        lead = self.world.lead(
            temperature=temperature,
            customer_email=f"kunde{n}@customer{n}.example",
            customer_name=f"Kunde Nummer{n}",
        )
        assert lead.id is not None
        with unit(self.rt, "test", "job") as ctx:
            offer_next_ring(ctx, lead.id)
        self.leads.append(lead.id)

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

    @precondition(lambda self: bool(self.leads))
    @rule(i=st.integers(0, 50))
    def erase(self, i: int) -> None:
        lead_id = self.leads[i % len(self.leads)]
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
        if not hasattr(self, "rt"):
            return
        with self.rt.db.read() as s:
            leads = {lead.id: lead for lead in s.exec(select(Lead))}
            for email in s.exec(
                select(OutboundEmail).where(col(OutboundEmail.lead_id).is_not(None))
            ):
                lead = leads[email.lead_id]
                carries = (
                    "customer_email" in (email.context.get("lead") or {})
                    and email.context["lead"]["customer_email"] is not None
                )
                if carries:
                    contact = s.get(Contact, email.contact_id)
                    assert contact is not None and contact.organization_id == lead.owner_id, (
                        email.kind
                    )

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
    def every_state_change_is_audited(self) -> None:
        if not hasattr(self, "rt"):
            return
        with self.rt.db.read() as s:
            for lead in s.exec(select(Lead)):
                trail = s.exec(
                    select(Event)
                    .where(
                        Event.lead_id == lead.id,
                        col(Event.to_state).is_not(None),
                        col(Event.kind).startswith("lead."),
                    )
                    .order_by(col(Event.id))
                ).all()
                assert trail, "a lead without a creation event"
                assert trail[-1].to_state == lead.state
                for before, after in itertools.pairwise(trail):
                    assert after.from_state in (None, before.to_state)


LeadMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_lead_state_machine = LeadMachine.TestCase
