"""No dead ends: the decline dialog asks (and says what happens next), the partner
manager chooses only among partners who can take the lead and sees who declined it, why."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.leads.decline import decline
from mailflow.models import Contact, Lead, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World


def _links(rt: Runtime, world: World, lead: Lead) -> list[dict[str, str]]:
    out = []
    for offer in world.offers(lead.id):  # type: ignore[arg-type]
        contact = world.contacts(offer.organization_id)[0]
        out.append(
            {
                a: rt.link(offer.id, contact.id, a).removeprefix(rt.settings.base_url)  # type: ignore[arg-type]
                for a in ("decline", "portal")
            }
        )
    return out


def _emails(rt: Runtime, kind: str, lead_id: int) -> list[OutboundEmail]:
    with rt.db.read() as s:
        q = select(OutboundEmail).where(
            OutboundEmail.kind == kind, OutboundEmail.lead_id == lead_id
        )
        return list(s.exec(q.order_by(col(OutboundEmail.id))))


def test_the_decline_dialog_preselects_nothing_and_other_has_a_text_field(
    client: Any, rt: Runtime, world: World
) -> None:
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city, language="de")
    lead, _ = world.offered_lead()
    links = _links(rt, world, lead)
    page = client.get(links[0]["decline"]).get_data(as_text=True)
    assert "selected" not in page and " checked" not in page
    assert page.count('type="radio" name="reason"') == 5 and "required" in page
    assert 'name="reason_text"' in page and "Sonstiges" in page
    # no choice: refused, nothing changes
    refused = client.post(links[0]["decline"], data={})
    assert refused.status_code == 422 and "Bitte wählen Sie" in refused.get_data(as_text=True)
    assert world.offers(lead.id)[0].state == "open"  # type: ignore[arg-type]
    # "Other" with the partner's own words stores those words
    done = client.post(
        links[0]["decline"], data={"reason": "other", "reason_text": "Kunde ist uns zu weit weg"}
    )
    assert done.status_code == 200
    offer = world.offers(lead.id)[0]  # type: ignore[arg-type]
    assert (offer.state, offer.reason) == ("declined", "Kunde ist uns zu weit weg")
    text = done.get_data(as_text=True)
    assert "Andere Partner haben dieses Angebot noch" in text  # ring-mates still hold it
    ack = _emails(rt, "decline_ack", lead.id)  # type: ignore[arg-type]
    assert ack[-1].context["others_open"] == 2


def test_the_last_decline_of_a_ring_says_the_lead_moves_on(
    client: Any, rt: Runtime, world: World
) -> None:
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city, language="de")
    lead, _ = world.offered_lead()
    links = _links(rt, world, lead)
    for link in links[:2]:
        assert client.post(link["decline"], data={"reason": "no capacity"}).status_code == 200
    last = client.post(links[2]["decline"], data={"reason": "too far away"})
    assert "Der Lead geht jetzt an andere Partner" in last.get_data(as_text=True)
    assert _emails(rt, "decline_ack", lead.id)[-1].context["others_open"] == 0  # type: ignore[arg-type]
    # the page of the link says the same later
    assert "Der Lead geht jetzt an andere Partner" in client.get(links[2]["decline"]).get_data(
        as_text=True
    )


def _manager(rt: Runtime, world: World) -> Contact:
    org = world.manufacturer()
    with rt.db.transaction() as s:
        manager = Contact(
            organization_id=org,
            name="Paula Partnermanager",
            email="paula@nordwind.test",
            role="partner_manager",
            language="de",
            receives_offers=False,
            created_at=rt.clock.now(),
        )
        s.add(manager)
        s.flush()
    return manager


def test_escalation_lists_only_partners_who_can_take_it_and_who_declined_why(
    client: Any, rt: Runtime, world: World
) -> None:
    _manager(rt, world)
    ring = [world.partner(c, name=f"Ring {c}") for c in ("Stuttgart", "Ulm", "Karlsruhe")]
    world.partner("Augsburg", name="Ohne Kontakt", contacts=0)
    world.partner("Mannheim", name="Abgeschaltet", active=False)
    spare = world.partner("München", name="Reserve München")
    rt.settings = rt.settings.with_(max_rings=1)
    lead, offers = world.offered_lead()
    assert {o.organization_id for o in offers} <= {o.id for o in [*ring, spare]}
    reasons = ["no capacity", "too far away", "Kunde will nur Miete"]
    for offer, reason in zip(offers, reasons, strict=True):
        contact = world.contacts(offer.organization_id)[0]
        with unit(rt, f"contact:{contact.id}", "web") as ctx:
            decline(ctx, offer.id, contact.id, reason)  # type: ignore[arg-type]
    assert world.reload(lead).state == "unassigned"
    email = _emails(rt, "escalation", lead.id)[-1]  # type: ignore[arg-type]
    assert sorted(d["reason"] for d in email.context["declined"]) == sorted(reasons)
    link = email.context["links"]["offer_to"].removeprefix(rt.settings.base_url)
    page = client.get(link).get_data(as_text=True)
    assert "Ohne Kontakt" not in page and "Abgeschaltet" not in page
    declined_names = {o.name for o in [*ring, spare] if o.id in {x.organization_id for x in offers}}
    assert all(name in page for name in declined_names)
    assert page.count('data-testid="declined"') == 3
    assert "Derzeit keine Kapazität" in page and "Kunde will nur Miete" in page
    # a partner without a contact cannot be chosen: the form comes back with the list
    nobody = next(o for o in [*ring, spare] if o.id not in {x.organization_id for x in offers})
    bad = client.post(link.split("?")[0], data={"choice": "offer_to", "partner": "999999"})
    assert bad.status_code == 409 and 'name="partner"' in bad.get_data(as_text=True)
    ok = client.post(link.split("?")[0], data={"choice": "offer_to", "partner": str(nobody.id)})
    assert ok.status_code == 200 and world.reload(lead).state == "offered"
