"""Attacks through webhooks: a partner's key registers a URL that points inside our own
network (server-side request forgery), or endpoints that never answer hold back the
offer emails of everyone else.

No test here sends a packet beyond loopback: a target outside 127.0.0.0/8 must be refused
before any connection, which the delivery row shows (``last_error`` starts with
"refused"); a loopback target points at a listening socket of the test, which counts the
connections it gets.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from mailflow.actions.outbound import deliver
from mailflow.clock import Clock
from mailflow.jobs.broker import JobQueue
from mailflow.mail.capture import MailCapture
from mailflow.models import Event, Webhook, WebhookDelivery
from mailflow.runtime import Runtime
from mailflow.webhooks import address
from tests.factories import World
from tests.reliability._faults import wait_for


class Listener:
    """A TCP socket on 127.0.0.1 that accepts connections and never replies (an endpoint
    that hangs); with ``answer`` it answers ``204``, with ``drip`` it answers a byte at a
    time, forever."""

    def __init__(self, *, answer: bool = False, drip: bool = False) -> None:
        self.answer, self.drip = answer, drip
        self.accepted = 0
        self.closed = 0
        self.received: list[bytes] = []
        self._server = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self._server.getsockname()[1])

    @property
    def waiting(self) -> int:
        """Connections open now: a sender still waiting for an answer."""
        with self._lock:
            return self.accepted - self.closed

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self.accepted += 1
                self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            while data := conn.recv(65536):
                self.received.append(data)
                if self.answer and b"\r\n\r\n" in data:
                    conn.sendall(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                    break
                if self.drip:
                    self._drip(conn)
        except OSError:
            pass
        with self._lock:
            self.closed += 1
        conn.close()

    @staticmethod
    def _drip(conn: socket.socket) -> None:
        """An answer that never ends, a byte at a time: no single read ever times out."""
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        while True:
            time.sleep(0.1)
            conn.sendall(b"z")

    def stop(self) -> None:
        self._server.close()
        with self._lock:
            for conn in self._open:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def listener() -> Iterator[Listener]:
    box = Listener()
    yield box
    box.stop()


# Each of these means the machine itself (loopback): pointed at the listener's port.
LOOPBACK_TARGETS = [
    "http://127.0.0.1:{port}/hook",
    "https://127.0.0.1:{port}/hook",
    "http://[::1]:{port}/",
    "http://2130706433:{port}/",
    "http://0x7f000001:{port}/",
    "http://0177.0.0.1:{port}/",
    "http://127.1:{port}/",
    "http://0:{port}/",
    "http://0.0.0.0:{port}/",
    "http://localhost:{port}/",
    "https://localhost.:{port}/",
    "http://[::ffff:7f00:1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "https://user:pass@127.0.0.1:{port}/",
    "https://crm.example.com@127.0.0.1:{port}/",
    "http://0X7F000001:{port}/",
    "http://127.0.0.1.:{port}/",
    "http://LOCALHOST:{port}/",
    "http://127\u30020\u30020\u30021:{port}/",  # ideographic full stops: IDNA makes them dots
    "http://%31%32%37.0.0.1:{port}/",
    "http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/",
    "http://[::ffff:0:7f00:1]:{port}/",
]
# Elsewhere in a private network, the cloud, or not HTTP at all: refused before any lookup
# or connection.
INTERNAL_TARGETS = [
    "http://169.254.169.254/latest/meta-data",
    "https://169.254.169.254/latest/meta-data",
    "http://10.0.0.1/",
    "https://10.0.0.1/",
    "http://192.168.1.1/",
    "https://172.16.0.1/",
    "http://100.64.0.1/",
    "https://100.64.0.1/",
    "http://[fe80::1%25eth0]/",
    "https://[fe80::1]/",
    "https://[fd00::1]/",
    "https://[fd00:ec2::254]/",
    "https://[64:ff9b::a00:1]/",
    "https://[::127.0.0.1]/",
    "https://[2002:a00:1::]/",
    "https://224.0.0.1/",
    "https://[ff02::1]/",
    "https://240.0.0.1/",
    "https://user:pass@crm.example.com/hook",
    "ftp://crm.example.com/hook",
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
]


def _url(template: str, listener: Listener) -> str:
    return template.format(port=listener.port)


@pytest.mark.parametrize("target", LOOPBACK_TARGETS + INTERNAL_TARGETS)
def test_a_partner_cannot_register_a_webhook_into_our_network(
    client: Any, rt: Runtime, world: World, listener: Listener, target: str
) -> None:
    key = world.api_key(world.partner("Stuttgart").id)
    answer = client.post(
        "/api/v1/webhooks",
        json={"url": _url(target, listener), "events": ["lead.offered"]},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["detail"]
    with rt.db.read() as s:
        assert s.exec(select(Webhook)).all() == []
    assert listener.accepted == 0


def _hook(rt: Runtime, world: World, url: str) -> int:
    """A webhook row as an older version stored it (or whose DNS changed since)."""
    org = world.partner("Stuttgart").id
    with rt.db.transaction() as s:
        hook = Webhook(organization_id=org, url=url, events=["lead.offered"], secret="whsec_x",
                       created_at=rt.clock.now())  # fmt: skip
        s.add(hook)
        s.flush()
        assert hook.id is not None
        return hook.id


def _due(rt: Runtime, hook_id: int) -> int:
    """One delivery to ``hook_id``, due now."""
    with rt.db.transaction() as s:
        row = WebhookDelivery(webhook_id=hook_id, kind="lead.offered", payload={"id": "evt_1"},
                              created_at=rt.clock.now())  # fmt: skip
        s.add(row)
        s.flush()
        assert row.id is not None
        return row.id


def _delivery(rt: Runtime, delivery_id: int) -> WebhookDelivery:
    with rt.db.read() as s:
        row = s.get(WebhookDelivery, delivery_id)
        assert row is not None
        return row


@pytest.mark.parametrize("target", LOOPBACK_TARGETS)
def test_a_stored_webhook_into_our_own_machine_is_refused_without_a_connection(
    rt: Runtime, world: World, listener: Listener, target: str
) -> None:
    delivery_id = _due(rt, _hook(rt, world, _url(target, listener)))
    deliver.dispatch(rt, [delivery_id])
    row = _delivery(rt, delivery_id)
    assert (row.last_error or "").startswith("refused:"), row.last_error
    assert row.last_status is None and row.state != "delivered"
    time.sleep(0.2)  # a connection attempt would have reached the listener by now
    assert listener.accepted == 0


@pytest.mark.parametrize("target", INTERNAL_TARGETS)
def test_a_stored_webhook_into_a_private_network_is_refused_before_connecting(
    rt: Runtime, world: World, target: str
) -> None:
    delivery_id = _due(rt, _hook(rt, world, target))
    deliver.dispatch(rt, [delivery_id])
    row = _delivery(rt, delivery_id)
    assert (row.last_error or "").startswith("refused:"), row.last_error
    assert row.last_status is None and row.state != "delivered"


def _resolver(*answers: str) -> Any:
    """A stand-in for the operating system's resolver (``socket.getaddrinfo``)."""

    def lookup(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answers
        ]

    return lookup


def test_every_address_a_name_resolves_to_is_checked_and_only_those_are_used() -> None:
    url = "https://crm.example.com/hook"
    public = _resolver("93.184.215.14", "2606:2800::1", "93.184.215.14")
    target, addresses = address.check(url, allow_private=False, lookup=public)
    assert (target.host, target.port, target.path, addresses) == (
        "crm.example.com", 443, "/hook", ("93.184.215.14", "2606:2800::1")
    )  # fmt: skip
    for answers in (("93.184.215.14", "127.0.0.1"), ("2606:2800::1", "::1"), ("10.1.2.3",)):
        with pytest.raises(address.Refused, match="resolves to"):
            address.check(url, allow_private=False, lookup=_resolver(*answers))


def test_the_on_premises_setting_allows_private_targets_and_http_but_not_the_metadata_service() -> (
    None
):
    def nothing(*_: Any, **__: Any) -> Any:
        raise AssertionError("a literal address needs no lookup")

    for url in ("http://10.0.0.7:8080/crm", "http://127.0.0.1/", "https://[fd12::7]/"):
        with pytest.raises(address.Refused):
            address.check(url, allow_private=False, lookup=nothing)
        assert address.check(url, allow_private=True, lookup=nothing)[1]
    for url in ("http://169.254.169.254/", "http://[fd00:ec2::254]/", "http://0.0.0.0/"):
        with pytest.raises(address.Refused):
            address.check(url, allow_private=True, lookup=nothing)


# -- endpoints that never answer -----------------------------------------------------------


ON_PREMISES = {"webhook_allow_private": True, "webhook_timeout_s": 3, "webhook_concurrency": 2}


def _register(client: Any, key: str, url: str, events: list[str]) -> Any:
    return client.post(
        "/api/v1/webhooks", json={"url": url, "events": events},
        headers={"Authorization": f"Bearer {key}"},
    )  # fmt: skip


def _offer_mails(smtp: MailCapture) -> int:
    return sum(1 for m in smtp.messages() if m.message["X-Mailflow-Kind"] == "offer")


def test_twenty_silent_endpoints_do_not_hold_back_an_unrelated_offer_email(
    client: Any, rt: Runtime, world: World, queue: JobQueue, smtp: MailCapture,
    listener: Listener,
) -> None:  # fmt: skip
    rt.settings = rt.settings.with_(**ON_PREMISES, webhook_max_per_organization=20)
    world.partner("Stuttgart")
    key = world.api_key()
    for n in range(20):
        url = f"http://127.0.0.1:{listener.port}/hook/{n}"
        assert _register(client, key, url, ["lead.offered"]).status_code == 201
    world.lead()
    world.lead()  # two webhook jobs, each for twenty endpoints that will never answer
    wait_for(lambda: listener.waiting >= 2, 30, "the webhook sends to start")
    sent_before = _offer_mails(smtp)
    world.lead()  # an unrelated lead: its offer email must not wait for the webhooks
    wait_for(lambda: _offer_mails(smtp) > sent_before, 30, "the third lead's offer email")
    assert listener.waiting > 0, "the webhook sends were still blocked when the email left"
    with rt.db.read() as s:
        states = {d.state for d in s.exec(select(WebhookDelivery))}
    assert "delivered" not in states
    listener.stop()  # the endpoints hang up: the webhook jobs end now
    queue.drain()


def test_an_endpoint_that_keeps_timing_out_is_skipped_until_one_probe_succeeds(
    rt: Runtime, world: World, clock: Clock, listener: Listener
) -> None:
    breaker = {"webhook_timeout_s": 1, "webhook_breaker_timeouts": 2, "webhook_breaker_open_s": 300}
    rt.settings = rt.settings.with_(**{**ON_PREMISES, **breaker})
    clock.set(clock.now())
    hook_id = _hook(rt, world, f"http://127.0.0.1:{listener.port}/crm")
    ids = [_due(rt, hook_id) for _ in range(4)]
    deliver.dispatch(rt, ids)
    assert listener.accepted == 2  # two timeouts open the circuit: no third connection
    rows = [_delivery(rt, i) for i in ids]
    assert [r.attempts for r in rows] == [1, 1, 0, 0]
    opened = clock.now() + timedelta(seconds=300)
    assert [r.next_attempt_at for r in rows[2:]] == [opened, opened]
    assert all("circuit open" in (r.last_error or "") for r in rows[2:])
    with rt.db.read() as s:
        hook = s.get(Webhook, hook_id)
        assert hook is not None and (hook.timeouts, hook.open_until) == (2, opened)

    listener.answer = True  # the endpoint recovers; after the open time, one probe
    clock.advance(seconds=301)
    deliver.dispatch(rt, deliver.due_ids(rt, clock.now()))
    assert [_delivery(rt, i).state for i in ids] == ["delivered"] * 4
    with rt.db.read() as s:
        hook = s.get(Webhook, hook_id)
        assert hook is not None and (hook.timeouts, hook.open_until) == (0, None)
        kinds = [e.kind for e in s.exec(select(Event).order_by(col(Event.id)))]
    assert [k for k in kinds if k.startswith("webhook.circuit")] == [
        "webhook.circuit_opened", "webhook.circuit_closed"
    ]  # fmt: skip


def test_an_organization_cannot_register_more_webhooks_than_the_cap(
    client: Any, rt: Runtime, world: World, listener: Listener
) -> None:
    rt.settings = rt.settings.with_(**ON_PREMISES, webhook_max_per_organization=3)
    key = world.api_key(world.partner("Stuttgart").id)
    url = f"http://127.0.0.1:{listener.port}/crm"
    answers = [_register(client, key, url, ["lead.offered"]) for _ in range(4)]
    assert [a.status_code for a in answers] == [201, 201, 201, 422]
    assert answers[-1].mimetype == "application/problem+json"
    assert "at most 3" in answers[-1].get_json()["detail"]
    delete = client.delete(f"/api/v1/webhooks/{answers[0].get_json()['id']}",
                           headers={"Authorization": f"Bearer {key}"})  # fmt: skip
    assert delete.status_code == 204
    assert _register(client, key, url, ["lead.offered"]).status_code == 201


def test_a_job_stops_at_its_time_budget_and_cuts_off_what_still_waits(
    rt: Runtime, world: World, listener: Listener
) -> None:
    listener.drip = True  # each read gets a byte in time: only the budget ends the POST
    rt.settings = rt.settings.with_(**{**ON_PREMISES, "webhook_timeout_s": 30,
                                       "webhook_job_budget_s": 1})  # fmt: skip
    ids = [_due(rt, _hook(rt, world, f"http://127.0.0.1:{listener.port}/{n}")) for n in range(3)]
    started = time.monotonic()
    deliver.dispatch(rt, ids)
    assert time.monotonic() - started < 10  # not the 30 s a POST may take
    rows = [_delivery(rt, i) for i in ids]
    assert [r.state for r in rows] == ["pending", "pending", "pending"]
    assert all("time budget" in (r.last_error or "") for r in rows[:2])
    assert listener.accepted == 2  # the concurrency setting; the third never started …
    assert (rows[2].attempts, rows[2].last_error) == (0, None)  # … and is due for the sweep
    assert deliver.due_ids(rt, rt.clock.now()) == [ids[2]]


def test_the_post_goes_to_the_checked_address_with_the_host_name_in_the_request(
    rt: Runtime, world: World
) -> None:
    rt.settings = rt.settings.with_(**ON_PREMISES)
    answering = Listener(answer=True)
    port = answering.port
    try:
        delivery_id = _due(rt, _hook(rt, world, f"http://localhost:{port}/crm?x=1"))
        deliver.dispatch(rt, [delivery_id])
    finally:
        answering.stop()
    assert _delivery(rt, delivery_id).state == "delivered"
    head = b"".join(answering.received).split(b"\r\n\r\n")[0].decode()
    assert head.startswith("POST /crm?x=1 HTTP/1.1")
    assert f"Host: localhost:{port}" in head.split("\r\n")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_tls_names_the_host_and_verifies_its_certificate(
    rt: Runtime, world: World, tmp_path: Path
) -> None:
    """A self-signed certificate for the right name is still refused: the pinned connection
    verifies as a normal one does, and sends the host name (SNI), not the address."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    names: list[str | None] = []
    server.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment,misc,return-value]
    sock = socket.create_server(("127.0.0.1", 0))

    def handshake() -> None:
        conn, _ = sock.accept()
        with contextlib.suppress(OSError), server.wrap_socket(conn, server_side=True):
            pass

    thread = threading.Thread(target=handshake, daemon=True)
    thread.start()
    # the handshake timed out after ON_PREMISES' 3 s once, on a two-core machine running four
    # test workers and their browsers: the refusal is tested here, not the speed
    rt.settings = rt.settings.with_(**{**ON_PREMISES, "webhook_timeout_s": 60})
    delivery_id = _due(rt, _hook(rt, world, f"https://localhost:{sock.getsockname()[1]}/crm"))
    deliver.dispatch(rt, [delivery_id])
    thread.join(timeout=60)
    sock.close()
    row = _delivery(rt, delivery_id)
    assert row.state == "pending" and "CERTIFICATE_VERIFY_FAILED" in (row.last_error or "")
    assert names == ["localhost"]


@pytest.mark.parametrize("url", ["http://[", "https://[::1", "https://[not-an-address]/hook"])
def test_a_malformed_webhook_url_is_a_clear_422_not_a_500(
    client: Any, rt: Runtime, world: World, url: str
) -> None:
    key = world.api_key(world.partner("Stuttgart").id)
    answer = client.post(
        "/api/v1/webhooks",
        json={"url": url, "events": ["lead.offered"]},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert answer.get_json()["detail"]
    with rt.db.read() as s:
        assert s.exec(select(Webhook)).all() == []
