"""The web-app manifest of a contact's own page: per signed link, in the contact's language."""

from __future__ import annotations

from typing import Any

from mailflow.runtime import Runtime
from tests.factories import World


def test_the_manifest_opens_the_contacts_page_in_its_language(
    client: Any, rt: Runtime, world: World
) -> None:
    partner = world.partner("Stuttgart", language="de")
    _, offers = world.offered_lead()
    contact = world.contacts(partner.id)[0]  # type: ignore[arg-type]
    link = rt.link(offers[0].id, contact.id, "portal")  # type: ignore[arg-type]
    path = link.removeprefix(rt.settings.base_url)
    answer = client.get(f"{path}/manifest.webmanifest")
    assert answer.status_code == 200 and answer.mimetype == "application/manifest+json"
    manifest = answer.get_json()
    assert manifest["start_url"] == path and manifest["short_name"] == "Meine Leads"
    assert manifest["lang"] == "de" and manifest["display"] == "standalone"
    assert answer.headers["Cache-Control"] == "no-store"
    page = client.get(path).get_data(as_text=True)
    assert f'<link rel="manifest" href="{path}/manifest.webmanifest">' in page


def test_a_manifest_needs_a_valid_portal_link(client: Any, rt: Runtime, world: World) -> None:
    world.partner("Stuttgart")
    _, offers = world.offered_lead()
    pick = rt.link(offers[0].id, 1, "pick").removeprefix(rt.settings.base_url)
    assert client.get(f"{pick}/manifest.webmanifest").status_code == 404
    assert client.get("/a/not-a-token/manifest.webmanifest").status_code == 404


def test_the_committed_icons_are_what_the_generator_draws(tmp_path: Any) -> None:
    from mailflow.web.icons import ICON_DIR, SIZES, write_all

    write_all(tmp_path)
    for size in SIZES:
        name = f"icon-{size}.png"
        assert (ICON_DIR / name).read_bytes() == (tmp_path / name).read_bytes()
