"""A campaign that requires a legal basis: a lead without consent or a legitimate-interest
note waits in the qualification queue (saying so in the reader's language); the basis
comes with the lead (API, CSV) or later on the console, which sends it on as usual."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from mailflow.csvio import importer
from mailflow.models import Campaign, Contact, Event, Lead
from mailflow.rules.qualify import LEGAL_BASIS_MISSING
from mailflow.runtime import Runtime
from tests.factories import LEAD_DEFAULTS, World
from tests.integration.test_console import _login, _user

CONSENT = {
    "legal_basis": "consent",
    "consent_at": "2026-11-30T09:15:00+01:00",
    "consent_source": "Website form /heat-pump-offer",
}


def _campaign(rt: Runtime) -> None:
    with rt.db.transaction() as s:
        s.add(Campaign(name="gdpr-strict", requires_legal_basis=True, created_at=rt.clock.now()))


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _lead(rt: Runtime, lead_id: int) -> Lead:
    with rt.db.read() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        return lead


def _events(rt: Runtime, lead_id: int) -> list[Event]:
    with rt.db.read() as s:
        return list(s.exec(select(Event).where(Event.lead_id == lead_id).order_by(col(Event.id))))


def test_a_lead_without_a_legal_basis_waits_and_the_console_releases_it(
    rt: Runtime, world: World, client: Any
) -> None:
    world.partner("Stuttgart")
    _campaign(rt)
    key = world.api_key()
    posted = client.post(
        "/api/v1/leads", json={**LEAD_DEFAULTS, "campaign": "gdpr-strict"}, headers=_auth(key)
    )
    assert posted.status_code == 201, posted.get_json()
    lead_id = posted.get_json()["id"]
    with rt.db.read() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        assert lead.state == "new" and lead.qualify_note == LEGAL_BASIS_MISSING
    _user(rt, world)
    with rt.db.transaction() as s:
        user = s.exec(select(Contact).where(Contact.email == "ops@nordwind.test")).one()
        user.language = "de"
    _login(client)
    queue = client.get("/console/qualification").get_data(as_text=True)
    assert f">{lead_id}</a>" in queue
    assert "noch keine Rechtsgrundlage: Einwilligung des Kunden (wann und wo)" in queue
    page = client.get(f"/console/leads/{lead_id}").get_data(as_text=True)
    assert 'id="legal-basis-form"' in page and "Rechtsgrundlage speichern" in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    anyway = client.post(f"/console/leads/{lead_id}/approve", data={"csrf": csrf})
    assert anyway.status_code == 302 and _lead(rt, lead_id).state == "new"  # no override
    refused = client.get(anyway.headers["Location"]).get_data(as_text=True)
    assert "verlangt eine Rechtsgrundlage" in refused
    half = client.post(
        f"/console/leads/{lead_id}/legal-basis",
        data={"csrf": csrf, "legal_basis": "consent", "consent_source": "fair"},
    )
    assert half.status_code == 302
    assert _lead(rt, lead_id).state == "new"  # a consent without its date: refused
    given = client.post(
        f"/console/leads/{lead_id}/legal-basis",
        data={
            "csrf": csrf,
            "legal_basis": "consent",
            "consent_at": "2026-11-28T14:30",
            "consent_source": "Trade fair Stuttgart, stand 4",
        },
    )
    assert given.status_code == 302
    fresh = _lead(rt, lead_id)
    assert fresh.state == "qualified" and fresh.qualify_note is None
    assert fresh.legal_basis == "consent" and fresh.consent_source.startswith("Trade fair")  # type: ignore[union-attr]
    assert fresh.consent_at is not None and fresh.consent_at.hour == 13  # 14:30 in Berlin, UTC
    kinds = [(e.kind, e.data) for e in _events(rt, lead_id)]
    recorded = [d for k, d in kinds if k == "lead.legal_basis_recorded"]
    assert recorded == [{"basis": "consent"}]  # neither where nor why: they may name people
    assert kinds[-1][0] == "lead.qualified" and kinds[-1][1]["by"] == "rules"
    assert f">{lead_id}</a>" not in client.get("/console/qualification").get_data(as_text=True)


def test_a_lead_given_its_basis_on_ingest_goes_out_and_a_half_basis_is_refused(
    rt: Runtime, world: World, client: Any
) -> None:
    world.partner("Stuttgart")
    _campaign(rt)
    key = world.api_key()
    body = {**LEAD_DEFAULTS, "campaign": "gdpr-strict", **CONSENT}
    posted = client.post("/api/v1/leads", json=body, headers=_auth(key))
    assert posted.status_code == 201
    with rt.db.read() as s:
        lead = s.get(Lead, posted.get_json()["id"])
        assert lead is not None and lead.state == "qualified"
        assert lead.consent_at is not None and lead.consent_at.hour == 8  # 09:15+01:00
    half = {**LEAD_DEFAULTS, "customer_email": "x@other.example", "legal_basis": "consent"}
    refused = client.post("/api/v1/leads", json=half, headers=_auth(key))
    assert refused.status_code == 422
    assert "consent_at" in str(refused.get_json())
    stray = {**LEAD_DEFAULTS, "customer_email": "y@other.example", "consent_source": "fair"}
    assert client.post("/api/v1/leads", json=stray, headers=_auth(key)).status_code == 422
    doc = client.get("/api/v1/openapi.json").get_json()
    fields = doc["components"]["schemas"]["LeadIn"]["properties"]
    assert {"legal_basis", "consent_at", "consent_source", "legitimate_interest_note"} <= set(
        fields
    )
    assert "consent" in fields["legal_basis"]["description"]


def test_the_csv_import_takes_the_legal_basis_in_columns_of_the_same_names(
    rt: Runtime, world: World, tmp_path: Path
) -> None:
    world.partner("Stuttgart")
    _campaign(rt)
    path = tmp_path / "leads.csv"
    path.write_text(
        "external_id,campaign,customer_name,customer_email,country,requirement,legal_basis,"
        "legitimate_interest_note\n"
        "C-1,gdpr-strict,Jan Nowak,jan@nowak.example,DE,Heat pump for a school,"
        "legitimate_interest,Existing service contract since 2019\n"
        "C-2,gdpr-strict,Eva Lind,eva@lind.example,DE,Heat pump for a bakery,,\n",
        encoding="utf-8",
    )
    report = importer.import_leads(rt, path)
    assert (report.created, report.bad) == (2, [])
    with rt.db.read() as s:
        rows = {lead.external_id: lead for lead in s.exec(select(Lead))}
    assert rows["C-1"].state == "qualified" and rows["C-1"].legal_basis == "legitimate_interest"
    assert rows["C-2"].state == "new" and rows["C-2"].qualify_note == LEGAL_BASIS_MISSING


def test_a_campaign_without_the_requirement_sends_leads_without_a_basis(
    rt: Runtime, world: World
) -> None:
    world.partner("Stuttgart")
    assert world.lead().state == "qualified" and world.lead().legal_basis is None
