"""Signed-link pages are rate limited per link and per client address (429 + Retry-After)."""

from __future__ import annotations

from typing import Any

from mailflow.runtime import Runtime
from tests.factories import World


def _links(rt: Runtime, world: World) -> list[str]:
    for city in ("Stuttgart", "Ulm"):
        world.partner(city)
    _lead, offers = world.offered_lead()
    links = []
    for offer in offers:
        contact = world.contacts(offer.organization_id)[0]
        link = rt.link(offer.id, contact.id, "pick")  # type: ignore[arg-type]
        links.append(link.removeprefix(rt.settings.base_url))
    return links


def test_one_link_opened_too_often_gets_429_with_retry_after(
    client: Any, rt: Runtime, world: World
) -> None:
    rt.settings = rt.settings.with_(token_rate_per_minute=3)
    first, second = _links(rt, world)
    assert [client.get(first).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(first)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert b"Too many requests" in refused.data
    assert client.post(first).status_code == 429  # nothing happens behind the limit
    assert client.get(second).status_code == 200  # another link has its own bucket


def test_one_address_opening_many_links_is_limited_too(
    client: Any, rt: Runtime, world: World
) -> None:
    rt.settings = rt.settings.with_(token_rate_per_ip_per_minute=4)
    first, second = _links(rt, world)
    answers = [client.get(link).status_code for link in (first, second, first, second, first)]
    assert answers == [200, 200, 200, 200, 429]
    assert client.get("/healthz").status_code == 200  # other routes are not throttled
