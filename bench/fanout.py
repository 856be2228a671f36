"""``mailflow bench fanout``: offer emails from the outbox to an SMTP sink, end to end.

``per_s``: :func:`mailflow.actions.outbound.outbox.dispatch` over queued OutboundEmail rows (claim,
render, compose, DKIM-sign with Ed25519, SMTP, mark sent) into an aiosmtpd sink running
in its own process. ``limit_per_s`` (same run, same sink): the libraries alone over one
connection — dkimpy's ``dkim.sign`` (same key, same headers) over the pre-built bytes of
one of the offers, then smtplib's ``sendmail``; what signing and SMTP themselves allow.
The database is a fresh SQLite file unless ``MAILFLOW_DATABASE_URL`` is PostgreSQL.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dkim

from bench._fixtures import ed25519_signer, offer_context
from mailflow.actions import unit
from mailflow.actions.outbound import outbox
from mailflow.db import migrate
from mailflow.mail.signing import DkimSigner, signed_headers
from mailflow.models import Contact, Lead, Offer, Organization
from mailflow.runtime import Runtime
from mailflow.settings import Settings

_SINK = ("-c", "aiosmtpd.handlers.Sink")
ROUNDS = 5


@contextlib.contextmanager
def _sink() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", *_SINK],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _queue_offers(rt: Runtime, n: int) -> list[int]:
    now = rt.clock.now()
    with rt.db.transaction() as s:
        maker = Organization(name="Nordwind", kind="manufacturer", created_at=now)
        s.add(maker)
        s.flush()
        dealer = Organization(name="Dealer", kind="dealer", parent_id=maker.id, created_at=now)
        s.add(dealer)
        s.flush()
        assert dealer.id is not None
        lead = Lead(state="offered", created_at=now, updated_at=now, city="Stuttgart")
        s.add(lead)
        s.flush()
        assert lead.id is not None
        offer = Offer(lead_id=lead.id, organization_id=dealer.id, offered_at=now, expires_at=now)
        s.add(offer)
        contacts = [
            Contact(
                organization_id=dealer.id, name=f"P {i}", email=f"p{i}@d.example", created_at=now
            )
            for i in range(n)
        ]
        s.add_all(contacts)
        s.flush()
        lead_id, offer_id = lead.id, offer.id
    with unit(rt, "bench", "cli") as ctx:
        for i, contact in enumerate(contacts):
            context = offer_context(rt.settings, i)
            context.pop("brand")
            outbox.queue(ctx, "offer", contact, context, lead_id=lead_id, offer_id=offer_id)
        return list(ctx.outbox_ids)


def _sample_bytes(rt: Runtime, email_id: int) -> bytes:
    """The unsigned bytes of one of the offers, built outside the clock (it is sent again
    later)."""
    with rt.db.read() as s:
        sample = s.get(outbox.OutboundEmail, email_id)
        assert sample is not None
        s.expunge(sample)
    signer, rt.dkim = rt.dkim, None
    try:
        return outbox.build(rt, sample)
    finally:
        rt.dkim = signer


def _limit(port: int, data: bytes, n: int, key: DkimSigner) -> float:
    headers = signed_headers(data)
    conn = smtplib.SMTP("127.0.0.1", port)
    start = time.perf_counter()
    for i in range(n):
        signature = dkim.sign(
            data,
            key.selector,
            key.domain,
            key.key,
            signature_algorithm=key.algorithm,
            include_headers=headers,
        )
        conn.sendmail("leads@bench.example", [f"p{i}@d.example"], signature + data)
    elapsed = time.perf_counter() - start
    conn.quit()
    return elapsed


def run(settings: Settings, *, quick: bool) -> dict[str, Any]:
    n = 300 if quick else 3000
    with tempfile.TemporaryDirectory() as tmp:
        url = settings.database_url
        if not url.startswith("postgresql"):
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        migrate.upgrade(url)
        rt = Runtime(settings.with_(database_url=url))
        signer, _ = ed25519_signer(domain="reply.bench.example")
        rt.dkim = signer
        try:
            ids = _queue_offers(rt, n)
            with _sink() as port:
                rt.use_smtp(f"smtp://127.0.0.1:{port}")
                data = _sample_bytes(rt, ids[0])
                # Alternate the two in rounds, so a change in machine load hits both alike.
                sent, elapsed, limit_s, cpu, limit_cpu = 0, 0.0, 0.0, 0.0, 0.0
                size = -(-len(ids) // ROUNDS)
                for start in range(0, len(ids), size):
                    chunk = ids[start : start + size]
                    began, began_cpu = time.perf_counter(), time.process_time()
                    sent += outbox.dispatch(rt, chunk)
                    elapsed += time.perf_counter() - began
                    cpu += time.process_time() - began_cpu
                    began_cpu = time.process_time()
                    limit_s += _limit(port, data, len(chunk), signer)
                    limit_cpu += time.process_time() - began_cpu
        finally:
            rt.close()
    return {
        "bench": "fanout",
        "emails": sent,
        "bytes_per_email": len(data),  # before its DKIM-Signature
        "per_s": round(sent / elapsed, 1),
        "limit_per_s": round(n / limit_s, 1),
        "ratio": round((sent / elapsed) / (n / limit_s), 2),
        "rounds": ROUNDS,
        "dkim": "ed25519-sha256",
        # CPU of this process per email (the sink runs in its own): what load cannot blur.
        "cpu_ms_per_email": round(cpu * 1000 / max(sent, 1), 3),
        "limit_cpu_ms_per_email": round(limit_cpu * 1000 / n, 3),
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
    }
