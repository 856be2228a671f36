"""``mailflow bench pick``: the production web server (gunicorn) on PostgreSQL takes 200
concurrent pick POSTs for one lead, 20 rounds. Exactly one may win each round; every other
answer must be a 409, and only the winner's answer may carry the customer's contact data.

Each round, the same 200 clients then GET the trivial ``/healthz`` of the same server:
``trivial_p99_ms`` is what the server, its workers and this machine's load cost any
request, and ``p99_ratio`` (pick p99 / trivial p99) what a pick costs beyond that."""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import requests

from mailflow.actions import unit
from mailflow.actions.leads.ingest import ingest
from mailflow.actions.leads.offer import offer_next_ring
from mailflow.db import migrate
from mailflow.links.claims import LinkClaim
from mailflow.mail.capture import MailCapture
from mailflow.models import Contact, Organization
from mailflow.models.schemas import LeadIn
from mailflow.runtime import Runtime
from mailflow.settings import Settings, load_settings

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# one database per run: two runs at once (several checkouts on one machine) would drop
# each other's
BENCH_DB = f"mailflow_bench_pick_{os.getpid()}"
SECRET = "bench-pick-secret-key-0123456789"


def run(settings: Settings, *, quick: bool = False) -> dict[str, Any]:
    concurrent, rounds = (40, 3) if quick else (200, 20)
    admin = os.environ.get("MAILFLOW_BENCH_POSTGRES_ADMIN_URL", ADMIN_URL)
    url = _fresh_database(admin)
    sink = MailCapture().start()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "MAILFLOW_DATA_DIR": tmp,
            "MAILFLOW_DATABASE_URL": url,
            "MAILFLOW_SECRET_KEYS": SECRET,
            "MAILFLOW_SMTP_URL": sink.url,
            "MAILFLOW_LOG_LEVEL": "WARNING",
            # every simulated partner comes from 127.0.0.1 here; real ones have their own
            # addresses, so the per-address limit on link pages is lifted for the bench
            "MAILFLOW_TOKEN_RATE_PER_IP_PER_MINUTE": "1000000",
        }
        port = _free_port()
        env["MAILFLOW_BASE_URL"] = f"http://127.0.0.1:{port}"
        rt = Runtime(load_settings(env))
        rt.settings = rt.settings.with_(ring_size=concurrent)
        contacts = _partners(rt, concurrent)
        server = _gunicorn(env, port)
        try:
            result = _rounds(rt, contacts, rounds, port)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            rt.close()
            sink.stop()
            _drop_database(admin)
    return {
        "concurrent": concurrent,
        "rounds": rounds,
        **result,
        "database": "postgresql",
        "server": "gunicorn 4 workers x 8 threads",
    }


def _fresh_database(admin: str) -> str:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    url = admin.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    migrate.upgrade(url)
    return url


def _drop_database(admin: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _partners(rt: Runtime, count: int) -> list[int]:
    now = rt.clock.now()
    with rt.db.transaction() as s:
        ids = []
        for i in range(count):
            org = Organization(
                name=f"Dealer {i}",
                kind="dealer",
                country="DE",
                city="Stuttgart",
                lat=48.77 + i * 1e-4,
                lon=9.18,
                created_at=now,
            )
            s.add(org)
            s.flush()
            assert org.id is not None
            contact = Contact(
                organization_id=org.id,
                name=f"Seller {i}",
                email=f"s{i}@d{i}.example",
                created_at=now,
            )
            s.add(contact)
            s.flush()
            ids.append(contact.id)
    return [i for i in ids if i is not None]


def _gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")} | env
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "4",
            "--threads",
            "8",
            "--bind",
            f"127.0.0.1:{port}",
            "--logger-class",
            "mailflow.web.logredact.GunicornLogger",
            "--log-level",
            "warning",
            "mailflow.wsgi:app",
        ],
        env=full,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise SystemExit(
                f"gunicorn did not start: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
    raise SystemExit("gunicorn did not answer within 60 s")


def _rounds(rt: Runtime, contacts: list[int], rounds: int, port: int) -> dict[str, Any]:
    winners, conflicts, errors, contact_data, latencies = [], 0, 0, [], []
    trivial: list[float] = []
    health = f"http://127.0.0.1:{port}/healthz"
    for r in range(rounds):
        email = f"customer{r}@bench-customer.example"
        links = _offered(rt, email, contacts, port)
        answers = _fire(links, "POST")
        winners.append(sum(1 for status, _, _ in answers if status == 200))
        conflicts += sum(1 for status, _, _ in answers if status == 409)
        errors += sum(1 for status, _, _ in answers if status not in (200, 409))
        contact_data.append(sum(1 for _, body, _ in answers if email in body))
        latencies += [ms for _, _, ms in answers]
        checks = _fire([health] * len(links), "GET")
        errors += sum(1 for status, _, _ in checks if status != 200)
        trivial += [ms for _, _, ms in checks]
    p99, trivial_p99 = _p99(latencies), _p99(trivial)
    return {
        "winners_per_round": winners,
        "conflicts": conflicts,
        "errors": errors,
        "contact_data_per_round": contact_data,
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(p99, 1),
        "trivial_p50_ms": round(statistics.median(trivial), 1),
        "trivial_p99_ms": round(trivial_p99, 1),
        "p99_ratio": round(p99 / trivial_p99, 2),
    }


def _p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[int(len(ordered) * 0.99) - 1]


def _offered(rt: Runtime, email: str, contacts: list[int], port: int) -> list[str]:
    with unit(rt, "bench", "cli") as ctx:
        lead = ingest(
            ctx,
            LeadIn(
                customer_email=email,
                customer_name="Bench Customer",
                country="DE",
                city="Stuttgart",
                requirement="Heat pump",
            ),
        ).lead
    with unit(rt, "bench", "job") as ctx:
        offers = offer_next_ring(ctx, lead.id)  # type: ignore[arg-type]
    by_org = {o.organization_id: o.id for o in offers}
    with rt.db.read() as s:
        orgs = {c.id: c.organization_id for c in s.exec(Contact.__table__.select())}  # type: ignore[attr-defined]
    base = f"http://127.0.0.1:{port}"
    path = rt.signer.path
    return [f"{base}{path(LinkClaim(by_org[orgs[c]], c, 'pick'))}" for c in contacts]  # type: ignore[arg-type]


def _fire(links: list[str], method: str) -> list[tuple[int, str, float]]:
    barrier = threading.Barrier(len(links))
    answers: list[tuple[int, str, float]] = []
    lock = threading.Lock()

    def post(link: str) -> None:
        session = requests.Session()
        barrier.wait()
        started = time.perf_counter()
        try:
            response = session.request(method, link, timeout=60)
            result = (response.status_code, response.text, (time.perf_counter() - started) * 1000)
        except requests.RequestException:
            result = (0, "", (time.perf_counter() - started) * 1000)
        with lock:
            answers.append(result)

    threads = [threading.Thread(target=post, args=(link,)) for link in links]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


if __name__ == "__main__":
    import json

    print(
        json.dumps(
            run(
                load_settings(
                    {
                        "MAILFLOW_DATA_DIR": str(Path(tempfile.gettempdir())),
                        "MAILFLOW_SECRET_KEYS": SECRET,
                    }
                )
            )
        )
    )
