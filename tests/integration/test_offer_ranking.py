"""Each offer keeps the ranking it was made from; the matching page shows it, and hides
the offer and assign controls of a lead that cannot move."""

from __future__ import annotations

from typing import Any

from mailflow.rules.matching.criteria import CRITERIA
from mailflow.runtime import Runtime
from tests.factories import World
from tests.integration.test_console import _login, _user
from tests.integration.test_console_finished import _speaks


def test_an_offer_keeps_its_ranking_and_the_matching_page_shows_it(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)
    for city in ("Stuttgart", "Ulm", "Karlsruhe", "Augsburg"):
        world.partner(city)
    lead, offers = world.offered_lead()
    snaps = [o.ranking for o in world.offers(lead.id)]  # type: ignore[arg-type]
    assert all(s is not None for s in snaps)
    assert sorted(s["position"] for s in snaps) == [1, 2, 3]  # type: ignore[index]
    assert {s["of"] for s in snaps} == {3}  # type: ignore[index]
    first = snaps[0]
    assert first is not None and set(first["parts"]) == set(CRITERIA)
    assert 0 < first["score"] <= 100
    _login(client)
    page = client.get(f"/console/leads/{lead.id}/matching").get_data(as_text=True)
    assert 'id="offered"' in page and page.count("data-offer=") == 3
    assert 'id="override"' in page  # an offered lead may still be moved
    # a lead that was picked cannot move: its offers still explain, no controls
    contact = world.contacts(offers[0].organization_id)[0]
    client.post(rt.link(offers[0].id, contact.id, "pick").removeprefix(rt.settings.base_url))  # type: ignore[arg-type]
    assert world.reload(lead).state == "picked"
    page = client.get(f"/console/leads/{lead.id}/matching").get_data(as_text=True)
    assert page.count("data-offer=") == 3 and f"{first['score']:.1f}" in page
    assert 'id="override"' not in page and 'id="assign"' not in page
    assert 'data-testid="not-movable"' in page


def test_the_matching_page_explains_each_criterion_in_the_readers_language(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)
    for city in ("Stuttgart", "Ulm", "Karlsruhe", "Augsburg"):
        world.partner(city)
    lead, _ = world.offered_lead()  # to three: one is left a candidate
    _speaks(rt, "de")
    _login(client)
    page = client.get(f"/console/leads/{lead.id}/matching").get_data(as_text=True)
    offered = page.split('id="offered"')[1].split("</table>")[0]
    candidates = page.split('id="candidates"')[1].split("</table>")[0]
    for table in (offered, candidates):  # the offers' kept notes, and the live ranking
        assert "noch keine Übernahmen" in table and "no picks yet" not in table


def test_the_audit_trail_says_why_each_partner_was_offered_in_the_readers_language(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)
    for city in ("Stuttgart", "Ulm"):
        world.partner(city)
    lead, _ = world.offered_lead()
    _speaks(rt, "de")
    _login(client)
    page = client.get(f"/console/leads/{lead.id}").get_data(as_text=True)
    trail = page.split('id="audit"')[1].split("</table>")[0]
    assert trail.count('class="muted why"') >= 2  # one line per offer opened
    assert "Punktzahl " in trail and "km entfernt" in trail
    assert "score " not in trail and "km away" not in trail
