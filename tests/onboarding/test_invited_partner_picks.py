"""A partner invited in the console ends up picking its first lead without anyone at the
manufacturer touching it again: the staff invite it (a real login, the console's form),
the partner gets the email in its language, opens its signed page, accepts the terms and
the data-processing agreement, keeps its profile and names a colleague, and is active; the
next lead is offered to it and it picks it by its signed link."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import col, select

from mailflow.jobs.broker import JobQueue
from mailflow.mail.capture import CapturedMail, MailCapture
from mailflow.models import Contact, Event, Invitation, Lead, Organization, TermsAcceptance
from mailflow.runtime import Runtime
from tests.factories import World
from tests.integration.test_console import _csrf, _login, _user

TERMS = {"text_en": "1. The partner answers offers within the deadline.",
         "text_de": "1. Der Partner beantwortet Angebote innerhalb der Frist."}  # fmt: skip
DPA = {"text_en": "The partner processes customer data only to serve the lead."}


def _mails(smtp: MailCapture, kind: str) -> list[CapturedMail]:
    return [m for m in smtp.messages() if m.message["X-Mailflow-Kind"] == kind]


def _path(rt: Runtime, mail: CapturedMail, action: str) -> str:
    found = re.search(r'href="([^"]+)"[^>]*>\s*' + action, mail.part("html"))
    found = found or re.search(r'href="(http://mailflow\.test/' + action + r'[^"]+)"',
                               mail.part("html"))  # fmt: skip
    assert found, f"no {action} link"
    return found.group(1).removeprefix(rt.settings.base_url)


def publish(client: Any, kind: str, texts: dict[str, str]) -> Any:
    form = {"kind": kind, **texts, "csrf": _csrf(client, "/console/invitations")}
    return client.post("/console/invitations/terms", data=form)


def invite(client: Any, **fields: str) -> Any:
    form = {"partner_name": "Wärme Weber GmbH", "country": "DE", "city": "Stuttgart",
            "name": "Jana Weber", "email": "jana@waerme-weber.example", "language": "de",
            **fields, "csrf": _csrf(client, "/console/invitations")}  # fmt: skip
    return client.post("/console/invitations", data=form)


def join_form(page: str, **fields: str) -> dict[str, str]:
    versions = dict(re.findall(r'name="version_(\w+)" value="(\d+)"', page))
    return {"accept_terms": "1", "accept_dpa": "1", "name": "Jana Weber",
            "product_lines": "Heat pump 12 kW", "languages": "de", "territory": "DE-7",
            "capacity": "", "colleague_name": "Timo Weber",
            "colleague_email": "timo@waerme-weber.example",
            **{f"version_{k}": v for k, v in versions.items()}, **fields}  # fmt: skip


def test_an_invited_partner_joins_and_picks_its_first_lead_with_no_staff_step_between(
    client: Any, rt: Runtime, world: World, smtp: MailCapture, queue: JobQueue
) -> None:
    _user(rt, world, role="ops")
    assert _login(client).status_code == 302
    assert publish(client, "terms", TERMS).status_code == 302
    assert publish(client, "dpa", DPA).status_code == 302
    assert invite(client).status_code == 302
    listing = client.get("/console/invitations").get_data(as_text=True)
    assert "Wärme Weber GmbH" in listing and 'data-state="invited"' in listing
    client.post("/console/logout", data={"csrf": _csrf(client, "/console/invitations")})
    with rt.db.read() as s:
        org = s.exec(select(Organization).where(Organization.name == "Wärme Weber GmbH")).one()
    assert org.active is False

    world.lead()  # a lead before it has joined: never offered to it
    queue.drain()
    [mail] = _mails(smtp, "partner_invite")
    assert mail.to == ["jana@waerme-weber.example"]
    assert "Wärme Weber GmbH" in mail.subject and "Leads" in mail.subject  # German
    assert "/p/" not in mail.part("html")  # no profile link before joining
    join = _path(rt, mail, "join/")

    page = client.get(join)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="de"' in text
    assert "Der Partner beantwortet Angebote" in text  # the terms in its language
    assert "processes customer data" in text  # the agreement in English: no German text
    with rt.db.read() as s:
        assert s.get(Organization, org.id).active is False  # type: ignore[union-attr]  # GET changes nothing

    refused = client.post(join, data=join_form(text, accept_dpa=""))
    assert refused.status_code == 422
    joined = client.post(join, data=join_form(text))
    assert joined.status_code == 200, joined.get_data(as_text=True)
    assert 'data-testid="joined"' in joined.get_data(as_text=True)

    with rt.db.read() as s:
        org = s.get(Organization, org.id)  # type: ignore[assignment]
        assert org is not None and org.active
        assert (org.product_lines, org.territory, org.languages) == (
            ["Heat pump 12 kW"],
            ["DE-7"],
            ["de"],
        )
        accepted = s.exec(select(TermsAcceptance).where(
            TermsAcceptance.organization_id == org.id)).all()  # fmt: skip
        assert sorted((a.kind, a.version) for a in accepted) == [("dpa", 1), ("terms", 1)]
        [invitation] = s.exec(select(Invitation)).all()
        assert invitation.state == "accepted" and invitation.accepted_at is not None
        timo = s.exec(select(Contact).where(Contact.email == "timo@waerme-weber.example")).one()
        assert timo.pending
        kinds = set(s.exec(select(Event.kind).where(Event.organization_id == org.id)).all())
    assert {"partner.invited", "terms.accepted", "invitation.accepted", "partner.reactivated",
            "contact.invited"} <= kinds  # fmt: skip

    lead = world.lead(customer_email="kunde@neubau.example", customer_name="Karl Neubau")
    queue.drain()
    offers = [m for m in _mails(smtp, "offer") if m.to == ["jana@waerme-weber.example"]]
    assert len(offers) == 1, "the next lead is offered to the partner that joined"
    pick = re.search(r'href="([^"]+)"[^>]*data-action="pick"', offers[0].part("html"))
    assert pick
    answer = client.post(pick.group(1).removeprefix(rt.settings.base_url))
    assert answer.status_code == 200
    with rt.db.read() as s:
        got = s.get(Lead, lead.id)
        assert got is not None and got.state == "picked" and got.owner_id == org.id
        first = s.exec(select(Event).where(col(Event.kind) == "offer.picked")).all()
    assert len(first) == 1
