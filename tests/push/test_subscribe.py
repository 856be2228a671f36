"""The page of the installed app subscribes its browser and unsubscribes it, with the
page's own "my leads" link as the credential; each change is an audited action."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from mailflow.links.claims import LinkClaim
from mailflow.models import Contact, Event, Organization, PushSubscription
from mailflow.runtime import Runtime
from tests.factories import World
from tests.push.service import Device

ENDPOINT = "https://push.example.net/send/abc"


def _contact(world: World, language: str = "en") -> Contact:
    org = world.partner("Stuttgart", contacts=2, language=language)
    assert org.id is not None
    return world.contacts(org.id)[0]


def _link(rt: Runtime, contact: Contact, action: str = "portal") -> str:
    assert contact.id is not None
    return "/a/" + rt.signer.sign(LinkClaim(0, contact.id, action))


def _rows(rt: Runtime) -> list[PushSubscription]:
    with rt.db.read() as s:
        return list(s.exec(select(PushSubscription)))


def _events(rt: Runtime, kind: str) -> list[Event]:
    with rt.db.read() as s:
        return list(s.exec(select(Event).where(Event.kind == kind)))


def test_a_browser_subscribes_once_and_another_contact_on_it_takes_it_over(
    rt: Runtime, world: World, client: Any
) -> None:
    first = _contact(world)
    [second] = [c for c in world.contacts(first.organization_id) if c.id != first.id]
    device = Device(ENDPOINT)
    for _ in range(2):
        answer = client.post(f"{_link(rt, first)}/push/subscribe", json=device.subscription())
        assert answer.status_code == 201 and answer.get_json() == {"subscribed": True}
    [row] = _rows(rt)
    assert row.contact_id == first.id and row.endpoint == ENDPOINT
    assert row.p256dh == device.subscription()["keys"]["p256dh"]

    answer = client.post(f"{_link(rt, second)}/push/subscribe", json=device.subscription())
    assert answer.status_code == 201
    [row] = _rows(rt)
    assert row.contact_id == second.id
    events = _events(rt, "push.subscribed")
    # the second visit of the same browser changed nothing, so it recorded nothing
    assert [e.actor for e in events] == [f"contact:{first.id}", f"contact:{second.id}"]
    assert events[0].organization_id == first.organization_id


def test_unsubscribing_forgets_the_browser(rt: Runtime, world: World, client: Any) -> None:
    contact = _contact(world)
    client.post(f"{_link(rt, contact)}/push/subscribe", json=Device(ENDPOINT).subscription())
    answer = client.post(f"{_link(rt, contact)}/push/unsubscribe", json={"endpoint": ENDPOINT})
    assert answer.status_code == 200 and answer.get_json()["found"] is True
    assert _rows(rt) == []
    assert len(_events(rt, "push.unsubscribed")) == 1
    again = client.post(f"{_link(rt, contact)}/push/unsubscribe", json={"endpoint": ENDPOINT})
    assert again.status_code == 200 and again.get_json()["found"] is False


def test_a_subscription_without_valid_keys_or_https_is_refused(
    rt: Runtime, world: World, client: Any
) -> None:
    rt.settings = rt.settings.with_(push_allow_private=False)  # as in production
    contact = _contact(world)
    url = f"{_link(rt, contact)}/push/subscribe"
    good = Device(ENDPOINT).subscription()
    bad_key = {**good, "keys": {**good["keys"], "p256dh": "AAAA"}}
    plain_http = {**good, "endpoint": "http://push.example.net/send/abc"}
    for body in (bad_key, plain_http, {"endpoint": ENDPOINT}, ["not", "an", "object"]):
        answer = client.post(url, json=body)
        assert answer.status_code == 422, body
        assert answer.mimetype == "application/problem+json"
    assert _rows(rt) == []


def test_only_an_active_partners_own_page_link_may_subscribe(
    rt: Runtime, world: World, client: Any
) -> None:
    contact = _contact(world)
    body = Device(ENDPOINT).subscription()
    assert (
        client.post(f"{_link(rt, contact, 'decline')}/push/subscribe", json=body).status_code == 404
    )
    assert client.post("/a/forged-token/push/subscribe", json=body).status_code == 404
    cross_site = client.post(
        f"{_link(rt, contact)}/push/subscribe", json=body, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross_site.status_code == 403
    with rt.db.transaction() as s:
        org = s.get(Organization, contact.organization_id)
        assert org is not None
        org.active = False
    assert client.post(f"{_link(rt, contact)}/push/subscribe", json=body).status_code == 403
    assert _rows(rt) == []


def test_the_own_page_offers_notifications_with_our_key_and_its_worker(
    rt: Runtime, world: World, client: Any
) -> None:
    world.partner("Stuttgart", language="de")
    _, [offer] = world.offered_lead()
    assert offer.id is not None
    [contact] = world.contacts(offer.organization_id)
    page = client.get("/a/" + rt.signer.sign(LinkClaim(offer.id, contact.id, "portal")))  # type: ignore[arg-type]
    html = page.get_data(as_text=True)
    assert 'data-action="allow-notifications"' in html
    assert "Benachrichtigungen erlauben" in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    worker = client.get("/portal/sw.js")
    assert worker.status_code == 200 and worker.mimetype in (
        "text/javascript",
        "application/javascript",
    )
    assert b"notificationclick" in worker.data
