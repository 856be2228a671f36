"""A partner keeps its own team on the profile page: an invited colleague gets offers only
once it confirms by its own link; a removed one gets nothing and acts no more; the team
chooses who gets the offers."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import col, select

from mailflow.actions.outbound import outbox
from mailflow.links.claims import LinkClaim, ProfileClaim
from mailflow.mail.capture import MailCapture
from mailflow.models import Contact, Event, OutboundEmail, PushSubscription
from mailflow.runtime import Runtime
from tests.factories import World


def _contact(rt: Runtime, email: str) -> Contact:
    with rt.db.read() as s:
        return s.exec(select(Contact).where(Contact.email == email)).one()


def _send(rt: Runtime) -> None:
    with rt.db.read() as s:
        ids = [e.id for e in s.exec(select(OutboundEmail)) if e.id is not None]
    outbox.dispatch(rt, ids)


def _offered_to(rt: Runtime, lead_id: int | None) -> set[str]:
    with rt.db.read() as s:
        rows = s.exec(
            select(OutboundEmail.to_addr).where(
                OutboundEmail.lead_id == lead_id, OutboundEmail.kind == "offer"
            )
        )
        return set(rows)


def test_an_invited_colleague_gets_offers_once_it_confirms_by_its_own_link(
    rt: Runtime, world: World, client: Any, smtp: MailCapture
) -> None:
    org = world.partner("Stuttgart", language="de")
    anna = world.contacts(org.id)[0]  # type: ignore[arg-type]
    form = {"section": "invite", "name": "Ben Kraus", "email": "Ben@Dealer.example"}
    answer = client.post(rt.signer.path(ProfileClaim(anna.id)), data=form)  # type: ignore[arg-type]
    assert answer.status_code == 200
    assert "Eingeladen, noch nicht bestätigt" in answer.get_data(as_text=True)
    ben = _contact(rt, "ben@dealer.example")
    assert (ben.pending, ben.receives_offers, ben.language) == (True, False, "de")
    lead, _ = world.offered_lead()
    assert _offered_to(rt, lead.id) == {anna.email}

    _send(rt)
    [invite] = [m for m in smtp.messages() if m.message["X-Mailflow-Kind"] == "colleague_invite"]
    assert invite.to == ["ben@dealer.example"]
    assert "bitte bestätigen" in invite.subject
    link = re.search(r'href="(http://mailflow\.test/p/[^"]+)"', invite.part("html"))
    assert link
    path = link.group(1).removeprefix("http://mailflow.test")
    page = client.get(path)
    assert 'data-action="confirm-invitation"' in page.get_data(as_text=True)
    assert "Produktlinien" not in page.get_data(as_text=True)  # nothing else before joining
    refused = client.post(path, data={"section": "details", "capacity": "1"})
    assert refused.status_code == 403
    assert client.post(path, data={"section": "confirm"}).status_code == 200
    assert _contact(rt, "ben@dealer.example").receives_offers
    later, _ = world.offered_lead()
    assert _offered_to(rt, later.id) == {anna.email, "ben@dealer.example"}
    with rt.db.read() as s:
        kinds = s.exec(select(Event.kind).where(col(Event.kind).like("contact.%"))).all()
    assert {"contact.created", "contact.invited", "contact.confirmed"} <= set(kinds)


def test_a_removed_colleague_gets_no_offers_and_its_links_act_no_more(
    rt: Runtime, world: World, client: Any
) -> None:
    org = world.partner("Stuttgart", contacts=2)
    anna, ben = world.contacts(org.id)  # type: ignore[arg-type]
    _, [offer] = world.offered_lead()
    assert offer.id is not None and ben.id is not None
    answer = client.post(
        rt.signer.path(ProfileClaim(anna.id)),  # type: ignore[arg-type]
        data={"section": "remove", "colleague": str(ben.id)},
    )
    assert answer.status_code == 200
    assert ben.email not in answer.get_data(as_text=True)
    assert _contact(rt, ben.email).removed_at is not None
    assert client.post(rt.signer.path(LinkClaim(offer.id, ben.id, "pick"))).status_code == 403
    assert client.get(rt.signer.path(ProfileClaim(ben.id))).status_code == 404
    later, _ = world.offered_lead()
    assert _offered_to(rt, later.id) == {anna.email}


def test_the_team_chooses_who_gets_the_offers(rt: Runtime, world: World, client: Any) -> None:
    org = world.partner("Stuttgart", contacts=2)
    anna, ben = world.contacts(org.id)  # type: ignore[arg-type]
    path = rt.signer.path(ProfileClaim(anna.id))  # type: ignore[arg-type]
    stop = {"section": "offers", "colleague": str(anna.id), "gets": "0"}
    assert client.post(path, data=stop).status_code == 200
    lead, _ = world.offered_lead()
    assert _offered_to(rt, lead.id) == {ben.email}


def test_nobody_removes_itself_or_invites_a_known_address(
    rt: Runtime, world: World, client: Any
) -> None:
    org = world.partner("Stuttgart", contacts=2)
    anna, ben = world.contacts(org.id)  # type: ignore[arg-type]
    path = rt.signer.path(ProfileClaim(anna.id))  # type: ignore[arg-type]
    itself = client.post(path, data={"section": "remove", "colleague": str(anna.id)})
    assert itself.status_code == 403
    again = client.post(path, data={"section": "invite", "name": "B", "email": ben.email})
    assert again.status_code == 422
    bad = client.post(path, data={"section": "invite", "name": "B", "email": "not-an-address"})
    assert bad.status_code == 422
    assert _contact(rt, anna.email).removed_at is None


def test_the_profile_lists_the_personal_data_kept_of_each_contact(
    rt: Runtime, world: World, client: Any
) -> None:
    org = world.partner("Stuttgart", contacts=2, language="de")
    anna, ben = world.contacts(org.id)  # type: ignore[arg-type]
    with rt.db.transaction() as s:
        for n in range(2):
            s.add(
                PushSubscription(
                    contact_id=ben.id,  # type: ignore[arg-type]
                    endpoint=f"https://push.example/{n}",
                    p256dh="k",
                    auth="a",
                    created_at=rt.clock.now(),
                )
            )
    page = client.get(rt.signer.path(ProfileClaim(anna.id))).get_data(as_text=True)  # type: ignore[arg-type]
    section = page[page.index('id="personal-data"') :]
    assert "Gespeicherte personenbezogene Daten unserer Kontakte" in section
    for who in (anna, ben):
        assert who.name in section and who.email in section
    kept = re.findall(r'data-kept="(\d+)".*?data-testid="browsers">(\d+)<', section, re.S)
    assert kept == [(str(anna.id), "0"), (str(ben.id), "2")]
    assert "Letzte Anmeldung in der Konsole" in section and "nie" in section
    assert "Telefonnummern unserer Kontakte werden nicht gespeichert" in section
