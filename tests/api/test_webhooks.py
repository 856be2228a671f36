"""Webhooks to a real HTTP receiver on loopback, which checks the signature the way the
README tells a partner to; retries with backoff; who gets the full lead.

The receiver is on this machine over http: the on-premises case, which
``MAILFLOW_WEBHOOK_ALLOW_PRIVATE`` allows (by default both are refused, see
tests/reliability/test_attack_webhooks.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mailflow.clock import Clock
from mailflow.jobs.broker import JobQueue
from mailflow.models import WebhookDelivery
from mailflow.runtime import Runtime
from mailflow.settings import Settings
from mailflow.webhooks import signing
from tests.conftest import make_settings
from tests.factories import LEAD_DEFAULTS, World


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(tmp_path, db_url, webhook_allow_private="true")


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    secrets: dict[str, str] = field(default_factory=dict)  # path → secret
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fail_next: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"


def _verified(secret: str, header: str, body: bytes) -> bool:
    """What a partner's receiver does (the README's snippet)."""
    parts = dict(p.split("=", 1) for p in header.split(","))
    expected = hmac.new(
        secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256
    ).hexdigest()
    fresh = abs(time.time() - int(parts["t"])) < 300
    return fresh and hmac.compare_digest(expected, parts["v1"])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            recv = box["r"]
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if recv.fail_next:
                recv.fail_next -= 1
                self.send_response(503)
            elif not _verified(recv.secrets[self.path], self.headers["Mailflow-Signature"], body):
                self.send_response(400)
            else:
                recv.received.append((self.path, json.loads(body)))
                self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["r"] = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box["r"]
    server.shutdown()
    thread.join(timeout=5)


def _register(client: Any, key: str, receiver: Receiver, path: str, events: list[str]) -> None:
    answer = client.post(
        "/api/v1/webhooks",
        json={"url": receiver.url(path), "events": events},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 201
    receiver.secrets[path] = answer.get_json()["secret"]


def test_the_picking_partners_crm_gets_the_full_lead_and_others_the_teaser(
    client: Any, rt: Runtime, world: World, queue: JobQueue, receiver: Receiver
) -> None:
    near, rival = world.partner("Stuttgart"), world.partner("Ulm")
    near_key, rival_key = world.api_key(near.id), world.api_key(rival.id)
    _register(client, near_key, receiver, "/near", ["lead.offered", "lead.picked", "lead.won"])
    _register(client, rival_key, receiver, "/rival", ["lead.picked"])
    _register(client, world.api_key(), receiver, "/maker", ["lead.picked", "lead.feedback"])
    world.offered_lead()
    queue.drain()
    auth = {"Authorization": f"Bearer {near_key}"}
    offer = client.get("/api/v1/offers", headers=auth).get_json()["items"][0]["offer"]
    client.post(f"/api/v1/offers/{offer['id']}/pick", json={}, headers=auth)
    queue.drain()
    got = {(path, body["type"]): body for path, body in receiver.received}
    assert set(got) == {
        ("/near", "lead.offered"),
        ("/near", "lead.picked"),
        ("/rival", "lead.picked"),
        ("/maker", "lead.picked"),
    }
    assert "customer_email" not in got[("/near", "lead.offered")]["data"]["lead"]
    full = got[("/near", "lead.picked")]["data"]["lead"]
    assert full["customer_email"] == LEAD_DEFAULTS["customer_email"]
    assert full["customer_phone"] == LEAD_DEFAULTS["customer_phone"]
    assert "customer_email" not in got[("/rival", "lead.picked")]["data"]["lead"]
    assert got[("/maker", "lead.picked")]["data"]["organization_id"] == near.id
    lead_id = got[("/near", "lead.picked")]["data"]["lead"]["id"]
    client.post(f"/api/v1/leads/{lead_id}/feedback", json={"stage": "won"}, headers=auth)
    queue.drain()
    later = [(path, body["type"]) for path, body in receiver.received[4:]]
    assert sorted(later) == [("/maker", "lead.feedback"), ("/near", "lead.won")]
    assert receiver.received[-1][1]["data"]["lead"]["state"] == "won"
    with rt.db.read() as s:
        states = {d.state for d in s.exec(select(WebhookDelivery))}
    assert states == {"delivered"}


def test_a_failed_delivery_is_retried_with_backoff(
    client: Any, rt: Runtime, clock: Clock, world: World, queue: JobQueue, receiver: Receiver
) -> None:
    near = world.partner("Stuttgart")
    _register(client, world.api_key(near.id), receiver, "/crm", ["lead.offered"])
    receiver.fail_next = 2
    clock.set(clock.now())
    world.offered_lead()
    queue.drain()
    with rt.db.read() as s:
        row = s.exec(select(WebhookDelivery)).one()
    assert (row.state, row.attempts, row.last_status) == ("pending", 1, 503)
    assert row.next_attempt_at == clock.now() + signing_backoff(1)
    queue.send("sweep_webhooks")
    queue.drain()
    assert receiver.received == []  # not due yet
    clock.advance(seconds=31)
    queue.send("sweep_webhooks")
    queue.drain()
    clock.advance(seconds=61)
    queue.send("sweep_webhooks")
    queue.drain()
    with rt.db.read() as s:
        row = s.exec(select(WebhookDelivery)).one()
    assert (row.state, row.attempts) == ("delivered", 3)
    assert [body["type"] for _, body in receiver.received] == ["lead.offered"]


def signing_backoff(attempts: int) -> Any:
    from mailflow.actions.outbound.deliver import backoff

    return backoff(attempts)


def test_a_signature_is_refused_when_tampered_or_stale() -> None:
    header = signing.sign("whsec_x", 1_700_000_000, b'{"a":1}')
    signing.verify("whsec_x", header, b'{"a":1}', now=1_700_000_100)
    for secret, body, now in (
        ("whsec_y", b'{"a":1}', 1_700_000_100),
        ("whsec_x", b'{"a":2}', 1_700_000_100),
        ("whsec_x", b'{"a":1}', 1_700_000_900),
    ):
        with pytest.raises(signing.BadSignature):
            signing.verify(secret, header, body, now=now)
