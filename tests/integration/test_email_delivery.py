"""What every delivered email carries: the manufacturer's brand, DKIM that verifies
against the test's own key pair, and for reports a working one-click unsubscribe."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import dkim
import pytest
from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.outbound import outbox
from mailflow.links.claims import UnsubscribeClaim
from mailflow.links.signer import PURPOSES
from mailflow.mail import kinds
from mailflow.mail.capture import MailCapture
from mailflow.mail.signing import DkimSigner
from mailflow.models import Brand, Contact, Event, OutboundEmail, ReportSubscription
from mailflow.runtime import Runtime
from tests.factories import World


def _dispatch_all(rt: Runtime) -> int:
    with rt.db.read() as s:
        ids = [e.id for e in s.exec(select(OutboundEmail)) if e.id is not None]
    return outbox.dispatch(rt, ids)


def _brand(rt: Runtime, world: World) -> None:
    with rt.db.transaction() as s:
        s.add(
            Brand(
                organization_id=world.manufacturer(),
                name="Nordwind",
                sender_name="Nordwind Partnerportal",
                logo_url="https://cdn.nordwind.example/logo.png",
                color="#c0392b",
                footer="Nordwind Partnerprogramm",
                imprint="Nordwind GmbH · Stuttgart · HRB 1234",
                updated_at=rt.clock.now(),
            )
        )
    rt.brands.invalidate()


def test_an_offer_wears_the_brand_of_the_partners_manufacturer(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    _brand(rt, world)
    world.partner("Stuttgart", parent_id=world.manufacturer(), language="de")
    world.offered_lead(temperature="hot")
    assert _dispatch_all(rt) == 1
    [mail] = smtp.messages()
    html = mail.part("html")
    assert mail.message["From"].addresses[0].display_name == "Nordwind Partnerportal"
    assert 'src="https://cdn.nordwind.example/logo.png"' in html
    assert "#c0392b" in html and "HRB 1234" in html and "Nordwind Partnerprogramm" in html
    assert mail.subject.startswith("Neuer Lead (heiß)") and "Stuttgart" in mail.subject
    assert re.search(r'<div style="display:none[^>]*>\s*\S', html)  # a preheader


def _ed25519() -> tuple[str, str]:
    from nacl.signing import SigningKey

    key = SigningKey.generate()
    return base64.b64encode(bytes(key)).decode(), base64.b64encode(bytes(key.verify_key)).decode()


def _rsa(tmp_path: Path) -> tuple[str, str]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is needed to make the test's RSA key pair")
    key = tmp_path / "dkim.pem"
    subprocess.run([openssl, "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    public = subprocess.run(
        [openssl, "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return key.read_text(), base64.b64encode(public).decode()


@pytest.mark.parametrize("algorithm", ["rsa", "ed25519"])
def test_emails_are_dkim_signed_and_verify_against_the_public_key(
    rt: Runtime, world: World, smtp: MailCapture, tmp_path: Path, algorithm: str
) -> None:
    private, public = _rsa(tmp_path) if algorithm == "rsa" else _ed25519()
    key_file = tmp_path / "dkim.key"
    key_file.write_text(private)
    from tests.conftest import make_settings

    settings = make_settings(
        tmp_path,
        rt.settings.database_url,
        dkim_key_file=str(key_file),
        dkim_selector="mf2026",
        dkim_domain="nordwind.test",
    )
    signed_rt = Runtime(settings, clock=rt.clock)
    signed_rt.use_smtp(smtp.url)
    try:
        assert signed_rt.dkim is not None
        world.partner("Stuttgart")
        world.offered_lead(customer_name="Jörg <b>Ünlü</b>")
        assert _dispatch_all(signed_rt) == 1
    finally:
        signed_rt.close()
    raw = smtp.messages()[0].raw
    assert raw.startswith(
        b"DKIM-Signature: v=1; a=" + (b"rsa" if algorithm == "rsa" else b"ed25519")
    )
    k = b"rsa" if algorithm == "rsa" else b"ed25519"
    record = b"v=DKIM1; k=" + k + b"; p=" + public.encode()

    def dns(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == b"mf2026._domainkey.nordwind.test." else None

    assert dkim.verify(raw, dnsfunc=dns)
    tampered = raw.replace(b"Pick this lead", b"Pick that lead", 1)
    assert tampered != raw and not dkim.verify(tampered, dnsfunc=dns)


def test_a_half_configured_dkim_is_a_startup_error(tmp_path: Path) -> None:
    from mailflow.settings import SettingsError
    from tests.conftest import make_settings

    with pytest.raises(SettingsError, match="MAILFLOW_DKIM_DOMAIN"):
        make_settings(tmp_path, "sqlite://", dkim_key="abc", dkim_selector="s")


def _queue_report(rt: Runtime, contact: Contact) -> None:
    with unit(rt, "system", "job") as ctx:
        # without a link of its own in the context, the outbox adds the opt-out link
        context = {k: v for k, v in kinds.sample("weekly_report").items() if k != "unsubscribe_url"}
        outbox.queue(ctx, "weekly_report", contact, context)


def _opted_out(rt: Runtime, contact_id: int | None) -> bool:
    with rt.db.read() as s:
        sub = s.get(ReportSubscription, contact_id)
    return sub is not None and sub.opted_out


def _events(rt: Runtime, kind: str) -> int:
    with rt.db.read() as s:
        return len(s.exec(select(Event).where(Event.kind == kind)).all())


def test_reports_carry_a_one_click_unsubscribe_that_works(
    rt: Runtime, world: World, smtp: MailCapture, client: Any
) -> None:
    org = world.partner("Ulm")
    [contact] = world.contacts(org.id)  # type: ignore[arg-type]
    _queue_report(rt, contact)
    assert _dispatch_all(rt) == 1
    message = smtp.messages()[0].message
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(
        r"<(http://mailflow\.test/reports/unsubscribe/[^>]+)>", message["List-Unsubscribe"]
    )
    assert url
    path = url.group(1).removeprefix("http://mailflow.test")
    assert path in smtp.messages()[0].part("html") and path in smtp.messages()[0].part("plain")

    assert "Unsubscribe" in client.get(path).get_data(as_text=True)  # GET changes nothing
    assert not _opted_out(rt, contact.id)
    answer = client.post(  # what a mail client sends (RFC 8058 3.2), from elsewhere
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert answer.status_code == 200
    assert _opted_out(rt, contact.id) and _events(rt, "report.opted_out") == 1
    client.post(path, data={"List-Unsubscribe": "One-Click"})  # twice: one event
    assert _events(rt, "report.opted_out") == 1
    _queue_report(rt, contact)  # queued before the opt-out was seen: not sent either
    assert _dispatch_all(rt) == 0
    assert len(smtp.messages()) == 1


def test_the_page_after_unsubscribing_offers_to_subscribe_again_in_the_contacts_language(
    rt: Runtime, world: World, smtp: MailCapture, client: Any
) -> None:
    org = world.partner("Ulm", language="de")
    [contact] = world.contacts(org.id)  # type: ignore[arg-type]
    assert contact.id is not None
    path = rt.signer.path(UnsubscribeClaim(contact.id))
    confirm = client.get(path).get_data(as_text=True)
    assert 'lang="de"' in confirm and "Wochenbericht abbestellen" in confirm
    done = client.post(path).get_data(as_text=True)
    assert "Sie erhalten keine Wochenberichte mehr" in done
    again = re.search(r'<form method="post" action="([^"]+/resubscribe)">', done)
    assert again and again.group(1).startswith("/reports/unsubscribe/")
    assert _opted_out(rt, contact.id)
    page = client.post(again.group(1)).get_data(as_text=True)
    assert "Sie erhalten den Wochenbericht wieder" in page
    assert not _opted_out(rt, contact.id) and _events(rt, "report.opted_in") == 1
    _queue_report(rt, contact)
    assert _dispatch_all(rt) == 1


def test_the_older_contact_wide_links_in_sent_reports_still_work(
    rt: Runtime, world: World, client: Any
) -> None:
    from itsdangerous import URLSafeSerializer

    org = world.partner("Ulm")
    [contact] = world.contacts(org.id)  # type: ignore[arg-type]
    old = URLSafeSerializer(list(rt.settings.secret_keys), salt=PURPOSES["unsubscribe"].salt)
    path = f"/u/{old.dumps({'u': contact.id})}"  # as the outbox wrote them before
    shown = client.get(path)
    assert shown.status_code == 303
    assert shown.headers["Location"].startswith("/reports/unsubscribe/")
    assert "Unsubscribe" in client.get(shown.headers["Location"]).get_data(as_text=True)
    assert not _opted_out(rt, contact.id)
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert _opted_out(rt, contact.id)


def test_a_forged_unsubscribe_link_is_refused(client: Any) -> None:
    assert client.post("/u/eyJ1IjoxfQ.forged").status_code == 404
    assert client.get("/u/not-a-token").status_code == 404
    assert client.post("/reports/unsubscribe/eyJjIjoxfQ.forged.x").status_code == 404
    assert client.post("/reports/unsubscribe/eyJjIjoxfQ.forged.x/resubscribe").status_code == 404


def test_offers_carry_no_unsubscribe_header(rt: Runtime, world: World, smtp: MailCapture) -> None:
    world.partner("Stuttgart")
    world.offered_lead()
    _dispatch_all(rt)
    assert smtp.messages()[0].message["List-Unsubscribe"] is None


def test_dkim_signer_signs_the_unsubscribe_headers() -> None:
    seed, _ = _ed25519()
    signer = DkimSigner(seed.encode(), "s", "n.example")
    message = (
        b"From: a@n.example\r\nTo: b@d.example\r\nSubject: s\r\n"
        b"List-Unsubscribe: <https://n.example/u/x>\r\n"
        b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\nbody\r\n"
    )
    header = signer.sign(message).split(b"\r\n\r\n")[0].decode()
    signed = re.search(r"h=([^;]+);", header.replace("\r\n", ""))
    assert signed and "list-unsubscribe : list-unsubscribe-post" in signed.group(1)


def test_an_ed25519_signature_verifies_over_folded_headers_and_trailing_blank_lines() -> None:
    seed, public = _ed25519()
    signer = DkimSigner(seed.encode(), "s", "n.example")
    message = (
        b"From: Nordwind <a@n.example>\r\nTo:   b@d.example  \r\n"
        b"Subject: =?utf-8?b?TmV1ZXIgTGVhZCAoaGVpw58p?=\r\n =?utf-8?b?IFN0dXR0Z2FydA==?=\r\n"
        b"X-Not-Signed: a\r\nMIME-Version: 1.0\r\n\r\nbody line\r\n\r\n\r\n"
    )
    signed = signer.sign(message)
    record = b"v=DKIM1; k=ed25519; p=" + public.encode()

    def dns(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == b"s._domainkey.n.example." else None

    assert dkim.verify(signed, dnsfunc=dns)
    assert dkim.verify(signed.replace(b"X-Not-Signed: a", b"X-Not-Signed: b"), dnsfunc=dns)
    assert dkim.verify(signed + b"\r\n", dnsfunc=dns)  # more trailing blank lines: same body
    assert not dkim.verify(signed.replace(b"b@d.example", b"c@d.example"), dnsfunc=dns)
    assert not dkim.verify(signed.replace(b"body line", b"body lime"), dnsfunc=dns)


def test_dkim_signs_only_the_headers_the_message_has() -> None:
    """A header named in h= but absent could not be added by a relay later (a list's
    Reply-To) without breaking the signature."""
    seed, public = _ed25519()
    signer = DkimSigner(seed.encode(), "s", "n.example")
    message = b"From: a@n.example\r\nTo: b@d.example\r\nSubject: s\r\n\r\nbody\r\n"
    signed = signer.sign(message)
    header = signed.split(b"\r\n\r\n")[0].decode().replace("\r\n", "")
    names = re.search(r"h=([^;]+);", header)
    assert names and names.group(1).replace(" ", "") == "from:to:subject"
    record = b"v=DKIM1; k=ed25519; p=" + public.encode()

    def dns(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == b"s._domainkey.n.example." else None

    assert dkim.verify(b"Reply-To: c@l.example\r\n" + signed, dnsfunc=dns)
