"""Attacks on the partner side: a deactivated partner that keeps acting, duplicate posts
that grow a lead or overwrite its customer, form numbers and NUL bytes, and a demo whose
data directory others can read."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.inbound.store import store_raw
from mailflow.actions.leads.decline import decline
from mailflow.actions.leads.pick import pick
from mailflow.actions.outbound import outbox
from mailflow.inbound.process import process
from mailflow.links.claims import LinkClaim
from mailflow.models import ApiKey, Campaign, Contact, Event, Feedback, Lead, Offer, Organization
from mailflow.runtime import Runtime
from tests.factories import World
from tests.mail import reply

# -- a deactivated partner ---------------------------------------------------------------


def _api(client: Any, key: str, method: str, path: str, body: Any = None) -> Any:
    return client.open(
        f"/api/v1{path}", method=method, json=body, headers={"Authorization": f"Bearer {key}"}
    )


def _path(rt: Runtime, offer_id: int | None, contact_id: int | None, action: str) -> str:
    assert offer_id is not None and contact_id is not None
    return rt.link(offer_id, contact_id, action).removeprefix(rt.settings.base_url)


def _reply(rt: Runtime, offer_id: int | None, contact: Contact, text: str) -> Any:
    """A reply by ``contact`` to its offer email, stored and processed like the SMTP server
    and the job do."""
    assert offer_id is not None and contact.id is not None
    to = f"reply+{rt.reply_key(offer_id, contact.id)}@{rt.settings.inbound_domain}"
    raw = reply(text, to=to, sender=contact.email)
    outcome = process(rt, store_raw(rt, raw, channel="smtp", mail_from=contact.email, rcpt_to=[to]))
    assert outcome is not None
    return outcome


def _events(rt: Runtime, kind: str) -> list[Event]:
    with rt.db.read() as s:
        return list(s.exec(select(Event).where(Event.kind == kind).order_by(col(Event.id))))


def _five_partners(world: World) -> Organization:
    """The first partner (Stuttgart) and four more, so a lead has a next ring to go to."""
    first = world.partner("Stuttgart")
    for city in ("Ulm", "Karlsruhe", "München", "Augsburg"):
        world.partner(city)
    return first


def _own_offer(world: World, lead: Lead, org_id: int | None) -> Offer:
    assert lead.id is not None
    return next(o for o in world.offers(lead.id) if o.organization_id == org_id)


def _deactivate(client: Any, world: World, org_id: int | None, active: bool = False) -> None:
    answer = _api(client, world.api_key(), "PATCH", f"/partners/{org_id}", {"active": active})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["active"] is active


def test_deactivating_a_partner_withdraws_its_open_offers_and_moves_their_leads_on(
    rt: Runtime, world: World, client: Any
) -> None:
    gone = _five_partners(world)
    lead, offers = world.offered_lead()
    assert gone.id in [o.organization_id for o in offers] and len(offers) == 3
    for other in (o for o in offers if o.organization_id != gone.id):  # the others declined
        contact = world.contacts(other.organization_id)[0]
        with unit(rt, "test", "web") as ctx:
            decline(ctx, other.id, contact.id, "too far")  # type: ignore[arg-type]
    assert world.reload(lead).ring == 1  # the partner's offer is the last open one
    _deactivate(client, world, gone.id)
    assert _own_offer(world, lead, gone.id).state == "withdrawn"
    moved = world.reload(lead)
    assert moved.state == "offered" and moved.ring == 2  # on to the next ring at once
    next_ring = [o for o in world.offers(lead.id) if o.ring == 2]  # type: ignore[arg-type]
    assert next_ring and gone.id not in [o.organization_id for o in next_ring]
    [deactivated] = _events(rt, "partner.deactivated")
    assert deactivated.organization_id == gone.id and deactivated.channel == "api"
    withdrawn = [e for e in _events(rt, "offer.withdrawn") if e.organization_id == gone.id]
    assert [e.data["why"] for e in withdrawn] == ["partner_deactivated"]


def test_a_deactivated_partner_can_act_on_no_channel(
    rt: Runtime, world: World, client: Any, smtp: object
) -> None:
    gone = _five_partners(world)
    contact = world.contacts(gone.id)[0]  # type: ignore[arg-type]
    key = world.api_key(gone.id)
    picked, _ = world.offered_lead()
    mine = _own_offer(world, picked, gone.id)
    with unit(rt, "test", "web") as ctx:
        pick(ctx, mine.id, contact.id)  # type: ignore[arg-type]
    open_lead, _ = world.offered_lead()
    still_open = _own_offer(world, open_lead, gone.id)
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))
    assert _api(client, key, "GET", "/offers").status_code == 200
    _deactivate(client, world, gone.id)

    # the signed links: a friendly page, 403, nothing changes
    for path, form in (
        (_path(rt, still_open.id, contact.id, "pick"), {}),
        (_path(rt, still_open.id, contact.id, "decline"), {"reason": "x"}),
        (_path(rt, mine.id, contact.id, "feedback"), {"stage": "won", "amount": "100"}),
    ):
        page = client.post(path, data=form)
        assert page.status_code == 403, path
        assert "not active" in page.get_data(as_text=True)
    portal = client.get(_path(rt, mine.id, contact.id, "portal"))
    assert portal.status_code == 403 and "not active" in portal.get_data(as_text=True)
    # the API: the partner's key is suspended
    refused = _api(client, key, "GET", "/offers")
    assert refused.status_code == 401
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    # a reply by email: the action refuses, the inbound pipeline records why
    for offer_id, text in ((still_open.id, "pick"), (mine.id, "won 12000 EUR")):
        outcome = _reply(rt, offer_id, contact, text)
        assert outcome.state == "refused" and outcome.data["code"] == "partner_inactive"
    with rt.db.read() as s:
        assert s.exec(select(Feedback)).all() == []
    assert world.reload(picked).state == "picked"
    assert world.reload(open_lead).owner_id is None


def test_a_deactivated_partners_german_contact_reads_the_refusal_in_german(
    rt: Runtime, world: World, client: Any, smtp: object
) -> None:
    gone = _five_partners(world)
    contact = world.contacts(gone.id)[0]  # type: ignore[arg-type]
    with unit(rt, "test", "console") as ctx:
        ctx.session.get(Contact, contact.id).language = "de"  # type: ignore[union-attr]
    lead, _ = world.offered_lead()
    offer = _own_offer(world, lead, gone.id)
    _deactivate(client, world, gone.id)
    page = client.get(_path(rt, offer.id, contact.id, "pick"))
    body = page.get_data(as_text=True)
    assert page.status_code == 403
    assert "Dieses Partnerkonto ist nicht aktiv" in body and "not active" not in body


def test_every_pick_action_refuses_an_inactive_partner_even_with_an_open_offer(
    rt: Runtime, world: World
) -> None:
    """An offer left open from before the deactivation rule: the action itself refuses."""
    from mailflow.actions.errors import NotAllowed

    gone = _five_partners(world)
    contact = world.contacts(gone.id)[0]  # type: ignore[arg-type]
    lead, _ = world.offered_lead()
    offer = _own_offer(world, lead, gone.id)
    with rt.db.transaction() as s:
        org = s.get(Organization, gone.id)
        assert org is not None
        org.active = False
    with pytest.raises(NotAllowed) as refused, unit(rt, "test", "web") as ctx:
        pick(ctx, offer.id, contact.id)  # type: ignore[arg-type]
    assert refused.value.code == "partner_inactive" and refused.value.http_status == 403
    assert world.reload(lead).state == "offered"


def test_reactivating_a_partner_lifts_the_suspension_of_its_keys_but_not_a_revocation(
    rt: Runtime, world: World, client: Any
) -> None:
    org = world.partner("Stuttgart")
    key, revoked = world.api_key(org.id), world.api_key(org.id)
    with rt.db.transaction() as s:
        for row in s.exec(select(ApiKey).where(ApiKey.organization_id == org.id)):
            if row.prefix == revoked[:8]:
                row.revoked_at = rt.clock.now()
    _deactivate(client, world, org.id)
    assert _api(client, key, "GET", "/offers").status_code == 401
    _deactivate(client, world, org.id, active=True)
    assert _api(client, key, "GET", "/offers").status_code == 200
    assert _api(client, revoked, "GET", "/offers").status_code == 401
    with rt.db.read() as s:
        assert not any(k.suspended for k in s.exec(select(ApiKey)))
    assert len(_events(rt, "apikey.suspended")) == 1  # the revoked key was not suspended
    assert len(_events(rt, "apikey.resumed")) == 1
    assert [e.organization_id for e in _events(rt, "partner.reactivated")] == [org.id]
    # the same change again is no change: no events, no second suspension
    _deactivate(client, world, org.id, active=True)
    assert len(_events(rt, "partner.reactivated")) == 1


# -- duplicate merges ---------------------------------------------------------------------


def test_repeated_posts_of_one_customer_keep_the_remarks_bounded(
    rt: Runtime, world: World, client: Any
) -> None:
    from mailflow.actions.leads.merge import MAX_REMARKS

    world.partner("Stuttgart")
    first = world.lead()
    key = world.api_key()
    body = {"customer_email": "erika@mustermann-bau.example", "country": "DE",
            "requirement": "the very same question"}  # fmt: skip
    for _ in range(5):  # the same post again and again: noted once
        assert _api(client, key, "POST", "/leads", body).status_code in (200, 201)
    remarks = world.reload(first).remarks or ""
    assert remarks.count("the very same question") == 1
    for n in range(60):  # 60 different long posts: the newest kept, the size capped
        text = f"question {n:03d} " + "x" * 4_000
        world.lead(customer_email="erika@mustermann-bau.example", requirement=text)
    remarks = world.reload(first).remarks or ""
    assert len(remarks) <= MAX_REMARKS
    assert "question 059" in remarks and "question 000" not in remarks
    assert "trimmed" in remarks


def test_a_repeated_post_fills_gaps_but_never_overwrites_the_customers_contact_data(
    rt: Runtime, world: World, client: Any
) -> None:
    world.partner("Stuttgart")
    first = world.lead(customer_street=None)
    body = {"customer_email": "ERIKA@mustermann-bau.example", "country": "DE",
            "customer_phone": "+49 30 666", "customer_name": "Mallory",
            "customer_street": "Hauptstraße 1", "requirement": "x"}  # fmt: skip
    assert _api(client, world.api_key(), "POST", "/leads", body).status_code in (200, 201)
    lead = world.reload(first)
    assert (lead.customer_phone, lead.customer_name) == ("+49 711 5550123", "Erika Mustermann")
    assert lead.customer_street == "Hauptstraße 1"  # an empty field is filled
    assert "+49 30 666" in (lead.remarks or "") and "Mallory" in (lead.remarks or "")


def test_a_csv_reimport_uses_the_same_rule_and_never_overwrites_contact_data(
    rt: Runtime, world: World, tmp_path: Path
) -> None:
    from mailflow.csvio import importer

    head = "external_id,customer_email,customer_phone,country,city,requirement\n"
    first = tmp_path / "a.csv"
    first.write_text(head + "c-1,a@example.com,+49 711 1,DE,Stuttgart,\n", encoding="utf-8")
    importer.import_leads(rt, first)
    again = tmp_path / "b.csv"
    again.write_text(head + "c-1,evil@example.com,+49 30 2,DE,Stuttgart,Heat pump\n",
                     encoding="utf-8")  # fmt: skip
    assert importer.import_leads(rt, again).updated == 1
    with rt.db.read() as s:
        lead = s.exec(select(Lead)).one()
    assert (lead.customer_email, lead.customer_phone) == ("a@example.com", "+49 711 1")
    assert lead.requirement == "Heat pump"  # a missing cell is completed
    assert "evil@example.com" in (lead.remarks or "") and "+49 30 2" in (lead.remarks or "")


# -- form numbers and NUL bytes -----------------------------------------------------------


def _agency_link(rt: Runtime, world: World) -> tuple[str, Lead]:
    with rt.db.transaction() as s:
        org = Organization(name="Callcenter", kind="agency", created_at=rt.clock.now())
        s.add(org)
        s.flush()
        contact = Contact(organization_id=org.id, name="Anna", email="anna@agency.example",
                          role="rep", created_at=rt.clock.now())  # fmt: skip
        s.add(contact)
        s.add(Campaign(name="callcenter", agency_id=org.id, created_at=rt.clock.now()))
        s.flush()
        contact_id = contact.id
    lead = world.lead(campaign="callcenter")
    assert lead.id is not None and contact_id is not None
    return rt.signer.path(LinkClaim(lead.id, contact_id, "qualify")), lead


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "-5", "1e400", "²", "12³", "1e9999"])
def test_the_agency_form_refuses_numbers_that_are_not_finite_positive_digits(
    rt: Runtime, world: World, client: Any, value: str
) -> None:
    path, lead = _agency_link(rt, world)
    answer = client.post(path, data={"decision": "approve", "value": value})
    assert answer.status_code == 422
    assert "value" in answer.get_data(as_text=True)
    fresh = world.reload(lead)
    assert fresh.state == "new" and fresh.value == Decimal("18000")


def test_the_agency_form_still_takes_a_plain_amount(rt: Runtime, world: World, client: Any) -> None:
    path, lead = _agency_link(rt, world)
    assert client.post(path, data={"decision": "approve", "value": "25.000,50"}).status_code == 200
    assert world.reload(lead).value == Decimal("25000.50")


@pytest.mark.parametrize("amount", ["NaN", "-5", "²", "1e400"])
def test_the_feedback_form_refuses_amounts_that_are_not_finite_positive_digits(
    rt: Runtime, world: World, client: Any, amount: str
) -> None:
    owner = _five_partners(world)
    contact = world.contacts(owner.id)[0]  # type: ignore[arg-type]
    lead, _ = world.offered_lead()
    offer = _own_offer(world, lead, owner.id)
    with unit(rt, "test", "web") as ctx:
        pick(ctx, offer.id, contact.id)  # type: ignore[arg-type]
    path = _path(rt, offer.id, contact.id, "feedback")
    answer = client.post(path, data={"stage": "won", "amount": amount})
    assert answer.status_code == 422 and "amount" in answer.get_data(as_text=True)
    with rt.db.read() as s:
        assert s.exec(select(Feedback)).all() == []


def test_no_form_stores_a_nul_byte(rt: Runtime, world: World, client: Any) -> None:
    gone = _five_partners(world)
    contact = world.contacts(gone.id)[0]  # type: ignore[arg-type]
    lead, _ = world.offered_lead()
    offer = _own_offer(world, lead, gone.id)
    declined = client.post(_path(rt, offer.id, contact.id, "decline"), data={"reason": "no\x00pe"})
    assert declined.status_code == 422 and "NUL" in declined.get_data(as_text=True)
    assert _own_offer(world, lead, gone.id).state == "open"
    path, waiting = _agency_link(rt, world)
    answer = client.post(path, data={"decision": "approve", "note": "ok\x00", "value": "1"})
    assert answer.status_code == 422 and "NUL" in answer.get_data(as_text=True)
    assert world.reload(waiting).state == "new"
    with unit(rt, "test", "api") as ctx, pytest.raises(Exception) as refused:
        decline(ctx, offer.id, contact.id, "api\x00reason")  # type: ignore[arg-type]
    assert getattr(refused.value, "code", None) == "invalid"


# -- the demo's files ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_demo_keeps_its_data_directory_private(tmp_path: Path) -> None:
    port, smtp_port = _free_port(), _free_port()
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env["MAILFLOW_DATA_DIR"] = str(data)
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailflow.cli", "demo", "--port", str(port),
         "--smtp-port", str(smtp_port), "--no-leads"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.3)
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=30)[0]
    assert "Stopped." in output, output
    paths = [data, *data.rglob("*")]
    assert any(p.name == "secret_key" for p in paths)
    assert any(re.search(r"\.sqlite3$", p.name) for p in paths)
    for p in paths:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode & 0o077 == 0, f"{p} is {oct(mode)}"
