"""A partner edits its profile by signed link: one audited save, matching sees it at once,
regions beyond what the manufacturer allows wait for a partner manager's one-click approval."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.errors import NotAllowed
from mailflow.actions.outbound import outbox
from mailflow.actions.partners.profile import edit_profile
from mailflow.links.claims import ProfileClaim, TerritoryClaim
from mailflow.mail.capture import MailCapture
from mailflow.models import (
    Contact,
    Event,
    Organization,
    OrgAssignment,
    OutboundEmail,
    Territory,
    TerritoryRequest,
)
from mailflow.models.api_schemas import PartnerIn
from mailflow.runtime import Runtime
from tests.factories import World

FORM = {
    "section": "details",
    "expertise": "heat pumps, solar",
    "product_lines": "Heat pump 12 kW",
    "languages": ["de", "en"],
    "capacity": "4",
    "territory": "DE-8",
    "days": ["0", "1", "2", "3"],
    "start": "07:30",
    "end": "16:00",
}


def _path(rt: Runtime, world: World, org: Organization) -> str:
    contact = world.contacts(org.id)[0]  # type: ignore[arg-type]
    return rt.signer.path(ProfileClaim(contact.id))  # type: ignore[arg-type]


def _org(rt: Runtime, org_id: int | None) -> Organization:
    with rt.db.read() as s:
        found = s.get(Organization, org_id)
        assert found is not None
        return found


def test_a_saved_profile_changes_the_partner_and_is_audited(
    rt: Runtime, world: World, client: Any
) -> None:
    org = world.partner("Stuttgart", territory=["DE-7", "DE-8"])
    answer = client.post(_path(rt, world, org), data=FORM)
    assert answer.status_code == 200
    assert 'data-testid="profile-saved"' in answer.get_data(as_text=True)
    saved = _org(rt, org.id)
    assert saved.expertise == ["heat pumps", "solar"]
    assert saved.languages == ["de", "en"]
    assert (saved.capacity, saved.territory) == (4, ["DE-8"])
    assert saved.business_hours == {
        "tz": "Europe/Berlin", "days": [0, 1, 2, 3], "start": "07:30", "end": "16:00"
    }  # fmt: skip
    with rt.db.read() as s:
        event = s.exec(select(Event).where(Event.kind == "partner.updated")).one()
    contact = world.contacts(org.id)[0]  # type: ignore[arg-type]
    assert (event.actor, event.channel) == (f"contact:{contact.id}", "web")
    assert event.organization_id == org.id


def test_a_narrowed_region_reaches_matching_at_once(rt: Runtime, world: World, client: Any) -> None:
    narrowing = world.partner("Stuttgart", territory=["DE-7", "DE-8"])
    other = world.partner("Ulm")
    world.offered_lead()  # the pool is built and cached before the edit
    client.post(_path(rt, world, narrowing), data=FORM)
    _, offers = world.offered_lead()  # a customer at 70173
    assert [o.organization_id for o in offers] == [other.id]


def _manager(rt: Runtime, world: World) -> Contact:
    with rt.db.transaction() as s:
        manager = Contact(
            organization_id=world.manufacturer(),
            name="Paula Manager",
            email="paula@nordwind.test",
            role="partner_manager",
            language="de",
            created_at=rt.clock.now(),
        )
        s.add(manager)
    return manager


def test_wider_regions_wait_for_the_partner_managers_one_click_approval(
    rt: Runtime, world: World, client: Any, smtp: MailCapture
) -> None:
    manager = _manager(rt, world)
    org = world.partner("Stuttgart", territory=["DE-7"])
    answer = client.post(_path(rt, world, org), data={**FORM, "territory": "DE-7, AT"})
    assert answer.status_code == 200
    assert 'data-testid="territory-pending"' in answer.get_data(as_text=True)
    assert (_org(rt, org.id).territory, _org(rt, org.id).capacity) == (["DE-7"], 4)
    _, offers = world.offered_lead(country="AT", postal_code="1010", city="Wien")
    assert offers == []  # pending: matching sees the regions it had

    with rt.db.read() as s:
        ids = [e.id for e in s.exec(select(OutboundEmail)) if e.id is not None]
    outbox.dispatch(rt, ids)
    [ask] = [m for m in smtp.messages() if m.message["X-Mailflow-Kind"] == "territory_request"]
    assert ask.to == [manager.email]
    assert "AT" in ask.part("plain") and "DE-7, AT" in ask.part("plain")
    link = re.search(r'href="http://mailflow\.test(/territory/[^"]+)"', ask.part("html"))
    assert link
    shown = client.get(link.group(1))  # a mail scanner opening it changes nothing
    assert shown.status_code == 200 and 'data-action="approve-territory"' in shown.get_data(
        as_text=True
    )
    assert _org(rt, org.id).territory == ["DE-7"]
    decided = client.post(link.group(1), data={"decision": "approve"})
    assert decided.status_code == 200
    assert 'data-testid="territory-approved"' in decided.get_data(as_text=True)
    assert _org(rt, org.id).territory == ["DE-7", "AT"]
    _, offers = world.offered_lead(country="AT", postal_code="1010", city="Wien")
    assert [o.organization_id for o in offers] == [org.id]
    with rt.db.read() as s:
        asked = s.exec(select(TerritoryRequest)).one()
        assert (asked.state, asked.decided_by_id) == ("approved", manager.id)


def test_a_rejected_request_leaves_the_regions_as_they_were(
    rt: Runtime, world: World, client: Any
) -> None:
    manager = _manager(rt, world)
    org = world.partner("Stuttgart", territory=["DE-7"])
    client.post(_path(rt, world, org), data={**FORM, "territory": "DE"})
    with rt.db.read() as s:
        asked = s.exec(select(TerritoryRequest)).one()
    assert asked.wider == ["DE"] and asked.id is not None and manager.id is not None
    path = rt.signer.path(TerritoryClaim(asked.id, manager.id))
    assert client.post(path, data={"decision": "reject"}).status_code == 200
    assert client.post(path, data={"decision": "approve"}).status_code == 409  # decided
    assert _org(rt, org.id).territory == ["DE-7"]


def test_regions_inside_the_partners_territory_need_nobody(
    rt: Runtime, world: World, client: Any
) -> None:
    org = world.partner("Stuttgart", territory=["DE-7"])
    with rt.db.transaction() as s:
        area = Territory(name="Süd", country="DE", postal_from="60000", postal_to="89999",
                         created_at=rt.clock.now())  # fmt: skip
        s.add(area)
        s.flush()
        s.add(OrgAssignment(organization_id=org.id, territory_id=area.id))  # type: ignore[arg-type]
    assert client.post(_path(rt, world, org), data=FORM).status_code == 200  # DE-8
    assert _org(rt, org.id).territory == ["DE-8"]
    with rt.db.read() as s:
        assert s.exec(select(TerritoryRequest)).all() == []


@pytest.mark.parametrize(
    ("field", "typed"),
    [("territory", "Germany"), ("capacity", "many"), ("end", "06:00"), ("start", "25:00")],
)
def test_what_cannot_be_taken_is_said_and_nothing_changes(
    rt: Runtime, world: World, client: Any, field: str, typed: str
) -> None:
    org = world.partner("Stuttgart", language="de")
    answer = client.post(_path(rt, world, org), data={**FORM, field: typed})
    assert answer.status_code == 422
    assert 'data-testid="profile-problem"' in answer.get_data(as_text=True)
    assert typed in answer.get_data(as_text=True)  # the form keeps what was typed
    assert _org(rt, org.id).expertise == []


def test_empty_fields_mean_no_limit_and_around_the_clock(
    rt: Runtime, world: World, client: Any
) -> None:
    org = world.partner("Stuttgart", capacity=3, business_hours={"days": [0], "start": "08:00"})
    form = {**FORM, "capacity": "", "territory": "", "days": []}
    assert client.post(_path(rt, world, org), data=form).status_code == 200
    saved = _org(rt, org.id)
    assert (saved.capacity, saved.business_hours, saved.territory) == (None, {}, [])


def test_a_contact_cannot_change_what_the_manufacturer_keeps(rt: Runtime, world: World) -> None:
    org = world.partner("Stuttgart")
    contact = world.contacts(org.id)[0]  # type: ignore[arg-type]
    assert contact.id is not None
    with pytest.raises(NotAllowed), unit(rt, f"contact:{contact.id}", "web") as ctx:
        edit_profile(ctx, contact.id, PartnerIn(level="premium"))
    with rt.db.read() as s:
        assert not s.exec(select(Event).where(col(Event.kind).like("partner.%"))).all()
