"""Invitations and the terms: the API and the CSV import invite as the console does; an
invited partner is never matched before it joins; reminders after 3 and 10 days, then the
invitation runs out; a new version of the terms asks every active partner again and stops
nothing; every change is an audited event."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from mailflow import cli
from mailflow.actions import unit
from mailflow.actions.outbound import outbox
from mailflow.actions.partners.invitations import Joining, accept_invitation, invite_partner
from mailflow.actions.partners.terms import publish_terms
from mailflow.csvio import importer
from mailflow.jobs import sweeps
from mailflow.links.claims import InvitationClaim, ProfileClaim, TermsClaim
from mailflow.mail.capture import MailCapture
from mailflow.models import (
    Event,
    Invitation,
    Organization,
    OutboundEmail,
    TermsAcceptance,
)
from mailflow.models.api_schemas import InvitationIn, PartnerIn
from mailflow.runtime import Runtime
from tests.factories import World

AUTH = "Authorization"


def _publish(rt: Runtime) -> None:
    with unit(rt, "test", "cli") as ctx:
        publish_terms(ctx, "terms", {"en": "Terms v1", "de": "Bedingungen v1"})
        publish_terms(ctx, "dpa", {"en": "DPA v1"})


def _invite(rt: Runtime, **fields: Any) -> Invitation:
    data = {"email": "lena@kaelte-kurz.example", "partner_name": "Kälte Kurz",
            "language": "de", "country": "DE", "city": "Stuttgart", **fields}  # fmt: skip
    with unit(rt, "console:1", "console") as ctx:
        return invite_partner(ctx, InvitationIn.model_validate(data))


def _join(rt: Runtime, invitation: Invitation) -> None:
    joining = Joining(shown={"terms": 1, "dpa": 1}, name="Lena Kurz",
                      profile=PartnerIn(product_lines=["Heat pump 12 kW"]))  # fmt: skip
    assert invitation.id is not None
    with unit(rt, f"contact:{invitation.contact_id}", "web") as ctx:
        accept_invitation(ctx, invitation.id, invitation.contact_id, joining)


def _kinds(rt: Runtime, kind: str) -> list[OutboundEmail]:
    with rt.db.read() as s:
        return list(s.exec(select(OutboundEmail).where(OutboundEmail.kind == kind)))


def _events(rt: Runtime, prefix: str) -> list[str]:
    with rt.db.read() as s:
        rows = s.exec(
            select(Event.kind).where(col(Event.kind).like(f"{prefix}%")).order_by(col(Event.id))
        )
        return list(rows)


def test_no_invitation_before_the_terms_are_published(rt: Runtime, world: World) -> None:
    try:
        _invite(rt)
    except Exception as exc:  # the refusal's type and words are checked
        assert "Publish the terms" in str(exc) and getattr(exc, "http_status", 0) == 422
    else:
        raise AssertionError("invited without published terms")


def test_an_invited_partner_is_not_matched_until_it_joins(rt: Runtime, world: World) -> None:
    _publish(rt)
    invitation = _invite(rt)
    before, _ = world.offered_lead()
    assert world.offers(before.id) == []  # type: ignore[arg-type]  # nobody else, and not it
    _join(rt, invitation)
    _, offers = world.offered_lead()
    assert [o.organization_id for o in offers] == [invitation.organization_id]
    assert _events(rt, "invitation.") == ["invitation.accepted"]
    assert set(_events(rt, "partner.")) >= {"partner.invited", "partner.created",
                                           "partner.reactivated"}  # fmt: skip


def test_reminders_after_3_and_10_days_then_the_invitation_runs_out(
    rt: Runtime, world: World
) -> None:
    _publish(rt)
    invitation = _invite(rt)
    start = rt.clock.now()
    for days, reminded in ((2, 0), (3, 1), (5, 1), (10, 2), (20, 2)):
        rt.clock.set(start + timedelta(days=days, minutes=1))
        sweeps.sweep_reminders(rt)
        sweeps.sweep_reminders(rt)  # twice: each reminder goes once
        assert len(_kinds(rt, "invitation_reminder")) == reminded, days
    with rt.db.read() as s:
        row = s.get(Invitation, invitation.id)
        assert row is not None and (row.state, row.reminders) == ("invited", 2)
    rt.clock.set(start + timedelta(days=30, minutes=1))
    sweeps.sweep_reminders(rt)
    with rt.db.read() as s:
        row = s.get(Invitation, invitation.id)
        assert row is not None and row.state == "expired"
        org = s.get(Organization, invitation.organization_id)
        assert org is not None and not org.active
    assert _events(rt, "invitation.") == ["invitation.reminded"] * 2 + ["invitation.expired"]


def test_an_expired_invitation_cannot_be_accepted_by_its_link(
    rt: Runtime, world: World, client: Any
) -> None:
    _publish(rt)
    invitation = _invite(rt)
    assert invitation.id is not None
    path = rt.signer.path(InvitationClaim(invitation.id, invitation.contact_id))
    rt.clock.advance(days=30, minutes=1)
    page = client.get(path)
    assert page.status_code == 410
    assert "abgelaufen" in page.get_data(as_text=True)
    refused = client.post(path, data={"accept_terms": "1", "accept_dpa": "1", "name": "Lena",
                                      "version_terms": "1", "version_dpa": "1"})  # fmt: skip
    assert refused.status_code == 403
    with rt.db.read() as s:
        assert s.get(Organization, invitation.organization_id).active is False  # type: ignore[union-attr]


def test_a_version_published_while_the_page_was_open_must_be_read_first(
    rt: Runtime, world: World, client: Any
) -> None:
    _publish(rt)
    invitation = _invite(rt)
    assert invitation.id is not None
    path = rt.signer.path(InvitationClaim(invitation.id, invitation.contact_id))
    assert 'name="version_terms" value="1"' in client.get(path).get_data(as_text=True)
    with unit(rt, "test", "cli") as ctx:
        publish_terms(ctx, "terms", {"en": "Terms v2"})
    form = {"accept_terms": "1", "accept_dpa": "1", "name": "Lena Kurz",
            "version_terms": "1", "version_dpa": "1"}  # fmt: skip
    stale = client.post(path, data=form)
    assert stale.status_code == 422
    assert 'name="version_terms" value="2"' in stale.get_data(as_text=True)
    assert client.post(path, data={**form, "version_terms": "2"}).status_code == 200
    with rt.db.read() as s:
        rows = s.exec(select(TermsAcceptance.kind, TermsAcceptance.version)).all()
    assert sorted(rows) == [("dpa", 1), ("terms", 2)]


def test_a_new_version_asks_active_partners_again_and_stops_nothing(
    rt: Runtime, world: World, client: Any, smtp: MailCapture
) -> None:
    _publish(rt)
    partner = world.partner("Stuttgart", language="fr")
    [contact] = world.contacts(partner.id)  # type: ignore[arg-type]
    lead, [offer] = world.offered_lead()
    with unit(rt, "ops", "console") as ctx:
        publish_terms(ctx, "terms", {"en": "Terms v2", "fr": "Conditions v2"})
    [asked] = [e for e in _kinds(rt, "terms_update") if e.contact_id == contact.id]
    assert asked.language == "fr"
    profile = client.get(rt.signer.path(ProfileClaim(contact.id))).get_data(as_text=True)  # type: ignore[arg-type]
    assert 'data-testid="terms-due"' in profile
    # the offer open before the new version is still picked
    assert client.post(rt.link(offer.id, contact.id, "pick").removeprefix(  # type: ignore[arg-type]
        rt.settings.base_url)).status_code == 200  # fmt: skip
    assert world.reload(lead).state == "picked"
    terms = rt.signer.path(TermsClaim(contact.id))  # type: ignore[arg-type]
    page = client.get(terms).get_data(as_text=True)
    assert "Conditions v2" in page and "DPA v1" in page  # never accepted before: both
    assert client.post(terms, data={"version_terms": "2"}).status_code == 422  # no tick
    done = client.post(terms, data={"accept": "1", "version_terms": "2", "version_dpa": "1"})
    assert done.status_code == 200 and 'data-testid="terms-accepted"' in done.get_data(as_text=True)
    with rt.db.read() as s:
        rows = s.exec(select(TermsAcceptance).where(TermsAcceptance.contact_id == contact.id))
        assert sorted((r.kind, r.version, r.channel) for r in rows) == [
            ("dpa", 1, "web"), ("terms", 2, "web")]  # fmt: skip
    profile = client.get(rt.signer.path(ProfileClaim(contact.id))).get_data(as_text=True)  # type: ignore[arg-type]
    assert 'data-testid="terms-due"' not in profile
    assert _events(rt, "terms.").count("terms.accepted") == 2


def test_the_api_invites_with_201_and_refuses_bad_input_with_422(
    rt: Runtime, world: World, client: Any
) -> None:
    key = {AUTH: f"Bearer {world.api_key()}"}
    _publish(rt)
    body = {"email": "Ola@Serwis.example", "partner_name": "Serwis Ola", "language": "pl",
            "country": "PL", "external_id": "CRM-77"}  # fmt: skip
    answer = client.post("/api/v1/invitations", json=body, headers=key)
    assert answer.status_code == 201, answer.get_json()
    out = answer.get_json()
    assert (out["email"], out["language"], out["state"]) == ("ola@serwis.example", "pl", "invited")
    assert answer.headers["Location"].endswith(f"/api/v1/invitations/{out['id']}")
    assert client.get(f"/api/v1/invitations/{out['id']}", headers=key).get_json()["id"] == out["id"]
    again = client.post("/api/v1/invitations", json=body, headers=key)
    assert again.status_code == 201 and again.get_json()["id"] == out["id"]  # no second email
    assert len(_kinds(rt, "partner_invite")) == 1
    bad = client.post("/api/v1/invitations", json={"email": "not-an-address"}, headers=key)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} >= {"email"}
    active = world.partner("Ulm")
    taken = {"email": "x@ulm.example", "organization_id": active.id}
    refused = client.post("/api/v1/invitations", headers=key, json=taken)
    assert refused.status_code == 422 and "active already" in refused.get_json()["detail"]
    partner_key = {AUTH: f"Bearer {world.api_key(active.id)}"}
    assert client.post("/api/v1/invitations", json=body, headers=partner_key).status_code == 403


def test_the_csv_import_invites_the_rows_marked_invite(
    rt: Runtime, world: World, tmp_path: Path
) -> None:
    _publish(rt)
    world.partner("Ulm", external_id="P-OLD")  # active already: not invited again
    path = tmp_path / "partners.csv"
    path.write_text(
        "external_id,name,country,contact_name,contact_email,contact_language,invite\n"
        "P-1,Klima Klar,DE,Nina Klar,nina@klima-klar.example,de,yes\n"
        "P-2,Wärme Weit,DE,Udo Weit,udo@waerme-weit.example,en,\n"
        "P-OLD,Dealer Old,DE,Old One,old@dealer.example,en,yes\n"
        "P-3,Bad Flag,DE,Bo,bo@bad.example,en,maybe\n",
        encoding="utf-8",
    )
    report = importer.import_partners(rt, path)
    assert [line for line, _ in report.bad] == [5]
    with rt.db.read() as s:
        orgs = {o.external_id: o for o in s.exec(select(Organization))}
        invited = s.exec(select(Invitation)).all()
    assert (orgs["P-1"].active, orgs["P-2"].active, orgs["P-OLD"].active) == (False, True, True)
    assert [(i.email, i.language, i.invited_by) for i in invited] == [
        ("nina@klima-klar.example", "de", "import")]  # fmt: skip
    assert [e.to_addr for e in _kinds(rt, "partner_invite")] == ["nina@klima-klar.example"]


def test_ops_publish_a_version_from_the_command_line(
    rt: Runtime, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    (tmp_path / "en.txt").write_text("Terms, English", encoding="utf-8")
    (tmp_path / "de.txt").write_text("Bedingungen, Deutsch", encoding="utf-8")
    for name, value in _env(rt).items():
        monkeypatch.setenv(name, value)
    code = cli.main(["terms", "publish", "terms", "--text", f"en={tmp_path / 'en.txt'}",
                     "--text", f"de={tmp_path / 'de.txt'}"])  # fmt: skip
    assert code == 0 and "terms version 1 published (de, en)" in capsys.readouterr().out
    assert cli.main(["terms", "publish", "dpa", "--text", f"de={tmp_path / 'de.txt'}"]) == 1


def _env(rt: Runtime) -> dict[str, str]:
    s = rt.settings
    return {"MAILFLOW_DATABASE_URL": s.database_url, "MAILFLOW_DATA_DIR": str(s.data_dir),
            "MAILFLOW_SECRET_KEYS": ",".join(s.secret_keys), "MAILFLOW_BASE_URL": s.base_url,
            "MAILFLOW_INBOUND_DOMAIN": s.inbound_domain}  # fmt: skip


def test_the_invitation_email_speaks_the_partners_language(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    _publish(rt)
    _invite(rt, language="it", email="gio@clima.example", partner_name="Clima Gio")
    outbox.dispatch(rt, [e.id for e in _kinds(rt, "partner_invite") if e.id is not None])
    [mail] = smtp.messages()
    assert "invita Clima Gio" in mail.subject
    assert re.search(r"/join/[^\"]+", mail.part("html"))
    assert "Aderisci ora" in mail.part("html") and "/p/" not in mail.part("html")
