"""GDPR erasure: personal data leaves every table, the audit trail stays pseudonymous."""

from __future__ import annotations

from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.inbound.store import store_raw
from mailflow.actions.leads.erase import erase_lead
from mailflow.inbound.process import process
from mailflow.models import Event, InboundEmail, Lead, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import LEAD_DEFAULTS, World
from tests.mail import reply

PII = [
    LEAD_DEFAULTS[k]
    for k in ("customer_name", "customer_email", "customer_phone", "customer_street")
]


def _dump(rt: Runtime) -> str:
    with rt.db.read() as s:
        rows = [
            *s.exec(select(Lead)),
            *s.exec(select(InboundEmail)),
            *s.exec(select(OutboundEmail)),
            *s.exec(select(Event)),
        ]
        return "\n".join(repr(r.model_dump()) for r in rows)


def test_erasing_a_lead_removes_personal_data_everywhere_and_keeps_the_trail(
    rt: Runtime, world: World
) -> None:
    world.partner("Stuttgart")
    lead, offers = world.offered_lead()
    contact = world.contacts(offers[0].organization_id)[0]
    key = rt.reply_key(offers[0].id, contact.id)  # type: ignore[arg-type]
    raw = reply(
        f"pick\n\n> {LEAD_DEFAULTS['customer_email']}",
        to=f"reply+{key}@{rt.settings.inbound_domain}",
        sender=contact.email,
    )
    process(rt, store_raw(rt, raw, channel="smtp", mail_from=contact.email, rcpt_to=[]))
    assert any(p in _dump(rt) for p in PII)
    with rt.db.read() as s:
        events_before = len(s.exec(select(Event)).all())
    with unit(rt, "cli", "cli") as ctx:
        erase_lead(ctx, lead.id)  # type: ignore[arg-type]
    dump = _dump(rt)
    assert not any(p in dump for p in PII)
    with rt.db.read() as s:
        events = s.exec(select(Event).where(Event.lead_id == lead.id)).all()
        assert s.get(Lead, lead.id).state == "picked"  # type: ignore[union-attr]
    assert len(events) == events_before + 1 and events[-1].kind == "lead.erased"
