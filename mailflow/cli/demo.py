"""``mailflow demo``: everything in one process on the embedded default.

Web app, job worker, scheduler, inbound SMTP server and a local mail capture, over a
SQLite file; seeds a demo world on first start. Ctrl-C stops everything cleanly.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from werkzeug.serving import make_server

from mailflow.actions import unit
from mailflow.actions.console import apikeys
from mailflow.actions.leads.ingest import ingest
from mailflow.cli import seed
from mailflow.cli.stopping import Stop
from mailflow.db import migrate
from mailflow.inbound.receive.server import make_server as make_inbound
from mailflow.jobs.broker import connect
from mailflow.jobs.schedule import install
from mailflow.mail.capture import MailCapture
from mailflow.models.schemas import LeadIn
from mailflow.runtime import Runtime
from mailflow.settings import Settings, demo_secret_key
from mailflow.web import create_app
from mailflow.web.logredact import RedactingFilter

log = logging.getLogger("mailflow.cli.demo")
# in the data directory (private, like the database): the mail capture and the demo's
# API key, so a restart shows the same mail and the same key again
CAPTURE_FILE = "mail-capture.jsonl"
KEY_FILE = "demo-api-key"


@dataclass(frozen=True)
class DemoOptions:
    host: str = "127.0.0.1"
    port: int = 5000
    smtp_port: int = 2525
    api_key: str | None = None
    seed_leads: bool = True


def run(settings: Settings, opts: DemoOptions) -> None:
    settings = settings.with_(redis_url=None)  # the demo is the embedded mode
    keep_private(settings.data_dir)
    if not settings.secret_keys:  # created once, the same for every demo started at once
        settings = settings.with_(secret_keys=(demo_secret_key(settings.data_dir),))
    if not _base_url_set():
        settings = settings.with_(base_url=f"http://{opts.host}:{opts.port}")
    logging.getLogger("werkzeug").addFilter(RedactingFilter())
    rt = Runtime(settings)
    migrate.upgrade(settings.database_url)
    stop = Stop()  # from here on Ctrl-C / SIGTERM stop everything cleanly
    capture = MailCapture(opts.host, store=settings.data_dir / CAPTURE_FILE).start()
    rt.use_smtp(capture.url)
    queue = connect(rt, worker_threads=4)
    key = _seed(rt, opts)
    inbound = make_inbound(rt, opts.host, opts.smtp_port)
    inbound.start()
    sched = install(BackgroundScheduler(timezone=settings.timezone), rt)
    sched.start()
    server = make_server(
        opts.host,
        opts.port,
        create_app(rt, devmail=capture, demo_login=(seed.DEMO_OPS_EMAIL, seed.DEMO_OPS_PASSWORD)),
        threaded=True,
    )
    _print_banner(settings, opts, key)
    thread = threading.Thread(target=server.serve_forever, name="web", daemon=True)
    thread.start()
    stop.wait()
    print("\nStopping…", flush=True)
    server.shutdown()
    sched.shutdown(wait=False)
    inbound.stop()
    queue.stop()
    capture.stop()
    rt.close()
    print("Stopped.", flush=True)


def keep_private(data_dir: Path) -> None:
    """The demo's data directory holds the database and the signing key: readable by
    this user only. Everything this process creates from now on is
    0600/0700 (umask 077), and what an earlier run left there is narrowed to that."""
    os.umask(0o077)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for path in (data_dir, *data_dir.rglob("*")):
        if path.is_symlink():
            continue
        path.chmod(0o700 if path.is_dir() else 0o600)


def _base_url_set() -> bool:
    return bool(os.environ.get("MAILFLOW_BASE_URL"))


def _seed(rt: Runtime, opts: DemoOptions) -> str:
    """First start: seed the world (and a few leads); later starts keep the data. The
    demo's API key (``--api-key``, else the one kept from an earlier start, else a new
    one) is accepted and kept in the data directory, so every start can show it."""
    key_file = rt.settings.data_dir / KEY_FILE
    kept = key_file.read_text(encoding="utf-8").strip() if key_file.exists() else ""
    with unit(rt, "cli", "cli") as ctx:
        maker = seed.manufacturer(ctx.session)
        fresh = maker is None
        if maker is None:
            key = seed.seed_world(ctx.session, ctx.now, opts.api_key or kept or None)
        else:
            assert maker.id is not None
            key = opts.api_key or kept or apikeys.new_key()
            apikeys.store(ctx.session, maker.id, key, "demo", ctx.now)  # idempotent
            if apikeys.lookup(ctx.session, key) is None:  # revoked in the console meanwhile
                key = apikeys.new_key()
                apikeys.store(ctx.session, maker.id, key, "demo", ctx.now)
    if key != kept:
        key_file.write_text(key + "\n", encoding="utf-8")  # 0600 under the demo's umask
    if fresh and opts.seed_leads:
        for data in seed.DEMO_LEADS:
            with unit(rt, "cli", "cli") as ctx:
                ingest(ctx, LeadIn.model_validate(data))
    return key


def _print_banner(settings: Settings, opts: DemoOptions, key: str) -> None:
    base = settings.base_url
    lines = [
        "",
        "mailflow demo is running (embedded: SQLite, in-process queue, local mail capture)",
        f"  Start page      {base}/   (what the demo is, with links to everything below)",
        f"  Mail capture    {base}/dev/mail   (JSON: {base}/dev/mail/api/messages)",
        f"  JSON API        {base}/api/v1/leads",
        f"  Inbound SMTP    {opts.host}:{opts.smtp_port}",
        f"  Console         {base}/console/   ({seed.DEMO_OPS_EMAIL} / {seed.DEMO_OPS_PASSWORD})",
        f"  Database        {settings.database_url}",
    ]
    lines.append(f"  API key         {key}   (kept in {settings.data_dir / KEY_FILE})")
    lines.append(
        f"  Try it          curl -s -X POST {base}/api/v1/leads "
        f"-H 'Authorization: Bearer {key}' "
        '-H \'Content-Type: application/json\' -d \'{"customer_name": "Max Muster", '
        '"customer_email": "max@example.com", "city": "Stuttgart", "country": "DE", '
        '"requirement": "Heat pump for a family house", "temperature": "hot"}\''
    )
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)


def options(**kwargs: Any) -> DemoOptions:
    return DemoOptions(**{k: v for k, v in kwargs.items() if v is not None})
