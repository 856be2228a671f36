"""``mailflow doctor`` against a DNS server started here (dnspython answers from a table of
good or broken records) and the tests' aiosmtpd relay; its send test's round trip from that
relay back in through the inbound SMTP server, or a mailbox (the local Graph)."""

from __future__ import annotations

import re
import smtplib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dns.message
import dns.rcode
import dns.rrset
import pytest
from sqlmodel import select

from mailflow.actions.connections import record_failure
from mailflow.cli import doctor as doctor_cli
from mailflow.inbound.mailbox.api import ApiFetcher
from mailflow.inbound.process import process
from mailflow.inbound.receive.server import make_server
from mailflow.mail import doctor
from mailflow.mail.capture import MailCapture
from mailflow.mail.providers import api_mailbox
from mailflow.models import InboundEmail
from mailflow.runtime import Runtime
from mailflow.settings import Settings
from tests.conftest import make_settings
from tests.integration.test_email_delivery import _rsa
from tests.providers import TENANT, Server, provider_env

Records = dict[tuple[str, str], list[str]]


class DnsServer:
    """A UDP DNS server answering from ``records`` ((name, type) → rdata texts)."""

    def __init__(self) -> None:
        self.records: Records = {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text().rstrip(".").lower()
            kind = dns.rdatatype.to_text(question.rdtype)
            texts = self.records.get((name, kind))
            if texts:
                response.answer.append(
                    dns.rrset.from_text_list(question.name, 300, "IN", kind, texts)
                )
            elif not any(n == name for n, _ in self.records):
                response.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(response.to_wire(), peer)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def dns_server() -> Iterator[DnsServer]:
    server = DnsServer()
    yield server
    server.stop()


def _txt(value: str) -> str:
    return " ".join(f'"{value[i : i + 200]}"' for i in range(0, len(value), 200))


def _settings(
    tmp_path: Path, server: DnsServer, smtp: MailCapture, db: str = "sqlite://", **env: str
) -> Settings:
    private, _ = _KEY
    key_file = tmp_path / "dkim.key"
    key_file.write_text(private)
    env.setdefault("smtp_url", smtp.url)
    return make_settings(
        tmp_path,
        db,
        dns_server=f"127.0.0.1:{server.port}",
        dkim_key_file=str(key_file),
        dkim_selector="mf1",
        dkim_domain="nordwind.test",
        **env,
    )


_KEY: tuple[str, str] = ("", "")


@pytest.fixture(autouse=True, scope="module")
def _key(tmp_path_factory: pytest.TempPathFactory) -> None:
    global _KEY
    _KEY = _rsa(tmp_path_factory.mktemp("dkim"))


def _good(server: DnsServer, public: str) -> None:
    server.records = {
        ("nordwind.test", "TXT"): [_txt("v=spf1 ip4:192.0.2.10 -all")],
        ("mf1._domainkey.nordwind.test", "TXT"): [_txt(f"v=DKIM1; k=rsa; p={public}")],
        ("_dmarc.nordwind.test", "TXT"): [_txt("v=DMARC1; p=reject; adkim=r")],
        ("reply.mailflow.test", "MX"): ["10 mx.nordwind.test."],
    }


def _levels(settings: Settings) -> dict[str, str]:
    return {c.name: c.level for c in doctor.run(settings)}


def test_a_good_setup_passes_and_the_relay_without_tls_warns(
    tmp_path: Path, dns_server: DnsServer, smtp: MailCapture, capsys: pytest.CaptureFixture[str]
) -> None:
    _good(dns_server, _KEY[1])
    settings = _settings(tmp_path, dns_server, smtp)
    assert _levels(settings) == {
        "SPF": "ok",
        "DKIM": "ok",
        "DMARC": "ok",
        "replies": "ok",
        "relay": "warn",  # the tests' aiosmtpd offers no STARTTLS
    }
    assert doctor_cli.main(settings, "ops@nordwind.test", wait_s=0) == 0
    out = capsys.readouterr().out
    assert "ok    send test" in out and "mx.nordwind.test" in out
    assert "arrival" not in out  # --wait 0: sent, not waited for
    (to_ops, copy) = smtp.messages()
    assert to_ops.to == ["ops@nordwind.test"] and copy.to[0].startswith("reply+")
    assert to_ops.raw == copy.raw and "DKIM-Signature" in to_ops.message


def test_broken_records_fail_with_what_to_change(
    tmp_path: Path, dns_server: DnsServer, smtp: MailCapture, capsys: pytest.CaptureFixture[str]
) -> None:
    _good(dns_server, _rsa(tmp_path)[1])  # a key that is not the configured one
    dns_server.records[("nordwind.test", "TXT")] = [_txt("v=spf1 +all")]
    dns_server.records[("_dmarc.nordwind.test", "TXT")] = [_txt("v=DMARC1; p=none")]
    del dns_server.records[("reply.mailflow.test", "MX")]
    settings = _settings(tmp_path, dns_server, smtp)
    assert _levels(settings) == {
        "SPF": "warn",
        "DKIM": "fail",
        "DMARC": "warn",
        "replies": "fail",
        "relay": "warn",
    }
    assert doctor_cli.main(settings, None) == 1
    assert "publish the new p=" in capsys.readouterr().out


def test_missing_spf_and_dmarc_and_a_misaligned_signature_fail(
    tmp_path: Path, dns_server: DnsServer, smtp: MailCapture
) -> None:
    _good(dns_server, _KEY[1])
    del dns_server.records[("nordwind.test", "TXT")]
    dns_server.records[("_dmarc.nordwind.test", "TXT")] = [_txt("v=DMARC1; p=reject; adkim=s")]
    settings = _settings(tmp_path, dns_server, smtp, mail_from="Leads <leads@mail.nordwind.test>")
    dns_server.records[("_dmarc.mail.nordwind.test", "TXT")] = [_txt("v=DMARC1; p=reject; adkim=s")]
    levels = _levels(settings)
    assert levels["DMARC"] == "fail"  # signed as nordwind.test, strict alignment
    assert _levels(_settings(tmp_path, dns_server, smtp))["SPF"] == "fail"


def test_shared_reply_address_needs_an_mx_and_a_dead_relay_fails(
    tmp_path: Path, dns_server: DnsServer, smtp: MailCapture
) -> None:
    _good(dns_server, _KEY[1])
    settings = _settings(tmp_path, dns_server, smtp, reply_address="sales@manufacturer.test")
    assert _levels(settings)["replies"] == "fail"
    dns_server.records[("manufacturer.test", "MX")] = ["5 mail.manufacturer.test."]
    assert _levels(settings)["replies"] == "ok"
    dead = _settings(tmp_path, dns_server, smtp, smtp_url="smtp://127.0.0.1:9")
    assert _levels(dead)["relay"] == "fail"


class Internet:
    """Carries what the relay (the tests' capture) took on to where its recipients' mail
    goes: the inbound domain's to the inbound SMTP server (its MX), addresses of a mailbox
    into that mailbox (the local Graph)."""

    def __init__(self, relay: MailCapture, mx: dict[str, int], mailboxes: dict[str, Any]) -> None:
        self.relay, self.mx, self.mailboxes = relay, mx, mailboxes
        self.carried: set[tuple[int, str]] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Internet:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            for mail in self.relay.messages():
                for rcpt in mail.to:
                    if (mail.id, rcpt) not in self.carried:
                        self.carried.add((mail.id, rcpt))
                        self._carry(mail.mail_from, rcpt, mail.raw)

    def _carry(self, mail_from: str, rcpt: str, raw: bytes) -> None:
        domain = rcpt.rpartition("@")[2].lower()
        if rcpt.lower() in self.mailboxes:
            self.mailboxes[rcpt.lower()].add(raw)
        elif domain in self.mx:
            with smtplib.SMTP("127.0.0.1", self.mx[domain]) as mx:
                mx.sendmail(mail_from, [rcpt], raw)


@pytest.fixture
def inbound_smtp(rt: Runtime) -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = make_server(rt, "127.0.0.1", port)
    server.start()
    yield port
    server.stop()


def _stored(rt: Runtime) -> list[InboundEmail]:
    with rt.db.read() as s:
        rows = list(s.exec(select(InboundEmail)))
        s.expunge_all()
    return rows


def test_the_send_test_waits_until_its_copy_came_back_through_the_inbound_smtp_server(
    tmp_path: Path,
    dns_server: DnsServer,
    smtp: MailCapture,
    rt: Runtime,
    inbound_smtp: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _good(dns_server, _KEY[1])
    settings = _settings(tmp_path, dns_server, smtp, rt.settings.database_url)
    with Internet(smtp, {"reply.mailflow.test": inbound_smtp}, {}):
        assert doctor_cli.main(settings, "ops@nordwind.test", wait_s=60) == 0
    out = capsys.readouterr().out
    assert "waiting up to 60 s for it through the MX of reply.mailflow.test" in out
    assert "ok    arrival    came back after" in out and "(channel smtp)" in out
    (stored,) = _stored(rt)
    assert stored.rcpt_to[0].startswith("reply+") and b"X-Mailflow-Kind: doctor" in stored.raw
    outcome = process(rt, stored.id)  # never an answer to an offer: set aside
    assert outcome is not None and (outcome.state, outcome.reason) == (
        "ignored",
        "our own email came back",
    )


def test_the_send_test_says_what_to_change_when_its_copy_does_not_come_back(
    tmp_path: Path,
    dns_server: DnsServer,
    smtp: MailCapture,
    rt: Runtime,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _good(dns_server, _KEY[1])
    mailbox = f"graph://{TENANT}/sales@nordwind.test"
    record_failure(rt, mailbox, "inbound", "graph", "Microsoft Graph answered 403", True)
    settings = _settings(
        tmp_path, dns_server, smtp, rt.settings.database_url, inbound_mailbox_url=mailbox
    )
    assert doctor_cli.main(settings, "ops@nordwind.test", wait_s=2) == 1
    out = capsys.readouterr().out
    assert f"waiting up to 2 s for it through the mailbox {mailbox}" in out
    assert re.search(r"still waiting: \d of 2 s", out)  # a busy machine may wait longer
    fail = next(line for line in out.splitlines() if line.startswith("fail  arrival"))
    assert "not stored within 2 s" in fail and "`mailflow inbound fetch`" in fail
    assert f"{mailbox}: Microsoft Graph answered 403" in fail


def test_the_send_test_comes_back_through_a_shared_mailbox_by_its_subject_code(
    tmp_path: Path,
    dns_server: DnsServer,
    smtp: MailCapture,
    rt: Runtime,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shared = "sales@manufacturer.test"
    _good(dns_server, _KEY[1])
    dns_server.records[("manufacturer.test", "MX")] = ["10 mx.manufacturer.test."]
    with Server() as graph:
        settings = _settings(
            tmp_path,
            dns_server,
            smtp,
            rt.settings.database_url,
            reply_address=shared,
            inbound_mailbox_url=f"graph://{TENANT}/{shared}",
            inbound_mailbox_poll_s="1",
            **provider_env(graph),
        )
        reader = Runtime(settings, clock=rt.clock)
        fetcher = ApiFetcher(reader, api_mailbox(settings, settings.inbound_mailbox_urls[0]))
        stop = threading.Event()
        mailbox = threading.Thread(target=fetcher.run, args=(stop,))
        mailbox.start()
        try:
            with Internet(smtp, {}, {shared: graph.state}):
                assert doctor_cli.main(settings, "ops@nordwind.test", wait_s=60) == 0
        finally:
            stop.set()
            mailbox.join()
            reader.close()
        assert graph.state.in_folder("inbox") == []  # taken: its subject has our code
    out = capsys.readouterr().out
    assert "ok    arrival    came back after" in out and "(channel graph)" in out
    (stored,) = _stored(rt)
    assert b"Subject: mailflow doctor test [#L-0-0-" in stored.raw
