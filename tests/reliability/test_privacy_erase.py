"""`mailflow gdpr erase --lead ID`, the real CLI in its own process: afterwards no table,
no raw inbound message and no outbox row holds the customer's personal data, while the
audit trail of the lead is still there — pseudonymous."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, select

from mailflow.actions import unit
from mailflow.actions.console.webhook import register_webhook
from mailflow.actions.inbound.store import store_raw
from mailflow.actions.leads.feedback import feedback
from mailflow.actions.leads.pick import pick
from mailflow.actions.outbound import outbox
from mailflow.inbound.process import process
from mailflow.mail.capture import MailCapture
from mailflow.models import Event, InboundEmail, Lead, OutboundEmail
from mailflow.models.api_schemas import WebhookIn
from mailflow.models.schemas import FeedbackIn
from mailflow.runtime import Runtime
from tests.factories import World
from tests.mail import reply
from tests.reliability._faults import ROOT, child_env

CUSTOMER = {
    "customer_name": "Jürgen Überschär",
    "customer_company": "Überschär Wärmetechnik GmbH",
    "customer_email": "j.ueberschaer@waermetechnik-ueb.example",
    "customer_phone": "+49 711 9876543",
    "customer_street": "Weißdornweg 17b",
    "remarks": "Herr Überschär ist nur vormittags erreichbar",
}
SECRETS = [
    "Überschär",
    "ueberschaer",
    "9876543",
    "Weißdornweg",
    "Wärmetechnik",
    "waermetechnik-ueb",
    "vormittags",
]


def _everything(rt: Runtime) -> dict[str, list[str]]:
    """Every column value of every row of every table, as text, keyed by table."""
    import mailflow.models  # noqa: F401  (all tables registered)

    dump: dict[str, list[str]] = {}
    with rt.db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = conn.execute(sa_select(table)).all()
            dump[table.name] = [
                (v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v))
                for row in rows
                for v in row
            ]
    return dump


def _found(rt: Runtime) -> list[str]:
    return [
        f"{table}: {secret}"
        for table, values in _everything(rt).items()
        for value in values
        for secret in SECRETS
        if secret.casefold() in value.casefold()
    ]


def _a_lead_with_a_history(rt: Runtime, world: World, smtp: MailCapture) -> int:
    for city in ("Stuttgart", "Ulm"):
        world.partner(city)
    lead, offers = world.offered_lead(**CUSTOMER)
    winner = world.contacts(offers[0].organization_id)[0]
    rt.settings = rt.settings.with_(webhook_allow_private=True)  # a CRM on this machine
    with unit(rt, "test", "api") as ctx:  # the owner's CRM listens for the pick
        register_webhook(
            ctx,
            offers[0].organization_id,
            WebhookIn(url="http://127.0.0.1:9/h", events=["lead.picked"]),
        )
    with unit(rt, "test", "web") as ctx:
        pick(ctx, offers[0].id, winner.id)  # type: ignore[arg-type]
    note = FeedbackIn(stage="contacted", note="Called Herr Überschär, Weißdornweg 17b")
    with unit(rt, "test", "web") as ctx:
        feedback(ctx, offers[0].id, winner.id, note)  # type: ignore[arg-type]
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))
    key = rt.reply_key(offers[0].id, winner.id)  # type: ignore[arg-type]
    quoted = "Won it, 12.500 €!\n\n> Jürgen Überschär, +49 711 9876543, Weißdornweg 17b\n"
    raw = reply(quoted, to=f"reply+{key}@{rt.settings.inbound_domain}", sender=winner.email)
    inbound_id = store_raw(rt, raw, channel="smtp", mail_from=winner.email, rcpt_to=[])
    outcome = process(rt, inbound_id)
    assert outcome is not None and outcome.state == "applied", outcome
    assert lead.id is not None
    return lead.id


def _erase_cli(rt: Runtime, tmp: Path, lead_id: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailflow.cli", "gdpr", "erase", "--lead", str(lead_id)],
        env=child_env(tmp, rt.settings.database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _trail(rt: Runtime, lead_id: int) -> list[tuple[Any, ...]]:
    with rt.db.read() as s:
        return [
            (e.id, e.kind, e.actor, e.channel, e.from_state, e.to_state, e.at)
            for e in s.exec(select(Event).where(Event.lead_id == lead_id).order_by(Event.id))  # type: ignore[arg-type]
        ]


def test_gdpr_erase_removes_the_customer_everywhere_and_keeps_a_pseudonymous_trail(
    rt: Runtime, world: World, smtp: MailCapture, tmp_path: Path
) -> None:
    lead_id = _a_lead_with_a_history(rt, world, smtp)
    before = _found(rt)
    for place in ("lead", "inboundemail", "outboundemail", "feedback", "webhookdelivery"):
        assert any(f.startswith(f"{place}:") for f in before), (
            f"the set-up must put data in {place}"
        )
    trail = _trail(rt, lead_id)
    assert {"lead.created", "lead.picked", "lead.won"} <= {t[1] for t in trail}

    done = _erase_cli(rt, tmp_path, lead_id)
    assert done.returncode == 0, done.stderr
    assert f"erased lead {lead_id}" in done.stdout

    assert _found(rt) == [], "\n".join(_found(rt))
    after = _trail(rt, lead_id)
    assert after[: len(trail)] == trail  # who did what when: kept, unchanged
    assert after[-1][1] == "lead.erased" and after[-1][3] == "cli"
    with rt.db.read() as s:
        assert all(r.raw is None for r in s.exec(select(InboundEmail)))
        emails = list(s.exec(select(OutboundEmail).where(OutboundEmail.lead_id == lead_id)))
    assert emails and all(e.context == {"erased": True} for e in emails)
    # The figures survive: the lead is still won, with its value, for the KPIs.
    with rt.db.read() as s:
        lead = s.get(Lead, lead_id)
    assert lead is not None and lead.state == "won" and lead.value == Decimal("18000")


def test_erasing_an_unknown_lead_says_so(rt: Runtime, tmp_path: Path) -> None:
    done = _erase_cli(rt, tmp_path, 999)
    assert done.returncode == 1 and "no lead 999" in done.stderr
