"""``mailflow inbound serve | deliver | fetch | parse``."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from prometheus_client import start_http_server

from mailflow import preflight
from mailflow.actions.inbound.store import StoreError, store_raw
from mailflow.cli.stopping import Stop
from mailflow.inbound.mailbox.api import API_FAILURES, ApiFetcher
from mailflow.inbound.mailbox.config import Mailbox
from mailflow.inbound.mailbox.connection import describe
from mailflow.inbound.mailbox.fetch import FAILURES, Fetcher
from mailflow.inbound.parse import parse_message, parse_text
from mailflow.inbound.process import process
from mailflow.inbound.receive.limits import is_keyless
from mailflow.inbound.receive.metrics import SmtpMetrics
from mailflow.inbound.receive.server import make_server
from mailflow.jobs.broker import connect
from mailflow.mail.oauth import TokenError
from mailflow.mail.providers import api_mailbox, is_api
from mailflow.runtime import Runtime
from mailflow.settings import Settings

EX_TEMPFAIL = 75
_HEADER_LINE = re.compile(
    rb"^(from|to|subject|date|message-id|received|mime-version|return-path|delivered-to"
    rb"|content-type|in-reply-to|references|auto-submitted|x-[\w-]+):",
    re.IGNORECASE,
)


def serve(settings: Settings, host: str, port: int, metrics_port: int = 0) -> int:
    """The inbound SMTP server until Ctrl-C / SIGTERM (not started on a bad configuration:
    it would answer 451 to every message); its counters in Prometheus format on
    ``metrics_port`` (0: not served). On the way out the messages in flight are still
    stored and answered, for at most ``MAILFLOW_INBOUND_DRAIN_SECONDS``."""
    _checked(settings, "inbound serve")
    rt = Runtime(settings)
    threads = 0 if settings.redis_url else 2
    queue = connect(rt, worker_threads=threads)
    metrics = SmtpMetrics()
    stop = Stop()
    server = make_server(rt, host, port, metrics)
    server.start()
    if metrics_port:
        start_http_server(metrics_port, addr=host, registry=metrics.registry)
    print(f"mailflow inbound SMTP on {host}:{port} for @{settings.inbound_domain}", flush=True)
    stop.wait()
    server.drain(settings.inbound_drain_seconds)
    server.stop()
    queue.stop()
    rt.close()
    return 0


def _checked(settings: Settings, process: str) -> None:
    """The start-up checks of every process: on a mistake one line, and exit 2."""
    for finding in preflight.errors(preflight.run(settings)):
        preflight.refuse(process, f"{finding.name}: {finding.detail}")


def fetch(settings: Settings, once: bool) -> int:
    """The replies in the configured mailboxes: until SIGTERM (IDLE or polling, one thread
    per mailbox), or with ``once`` what is there now, then exit (75 if a mailbox failed)."""
    if not settings.inbound_mailbox_urls:
        print("mailflow: no mailbox configured: set MAILFLOW_INBOUND_MAILBOX_URL", file=sys.stderr)
        return 78  # EX_CONFIG
    _checked(settings, "inbound fetch")
    rt = Runtime(settings)
    if once:
        status = _fetch_once(rt)
        rt.close()
        return status
    try:
        readers = [_reader(rt, url, None) for url in settings.inbound_mailbox_urls]
    except TokenError as exc:
        print(f"mailflow: {exc}", file=sys.stderr)
        return 78
    queue = connect(rt, worker_threads=_threads(settings))
    stop = Stop()
    fetchers = [
        threading.Thread(target=reader.run, args=(stop.event,), name=f"mailbox-{i}")
        for i, reader in enumerate(readers)
    ]
    for thread in fetchers:
        thread.start()
    print(f"mailflow inbound fetch: {', '.join(r.label for r in readers)}", flush=True)
    stop.wait()
    for thread in fetchers:
        thread.join()
    queue.stop()
    rt.close()
    return 0


def _threads(settings: Settings) -> int:
    """Worker threads of this process: none with Redis (the workers take the jobs)."""
    return 0 if settings.redis_url else 2


def _reader(rt: Runtime, url: str, on_stored: Callable[[int], None] | None) -> Fetcher | ApiFetcher:
    """The reader of one ``MAILFLOW_INBOUND_MAILBOX_URL``: IMAP, Microsoft Graph or Gmail."""
    if is_api(url):
        return ApiFetcher(rt, api_mailbox(rt.settings, url), on_stored)
    return Fetcher(rt, Mailbox.from_url(url), on_stored)


def _fetch_once(rt: Runtime) -> int:
    """With Redis the workers process what is stored; embedded, it is processed here after."""
    queue = connect(rt) if rt.settings.redis_url else None
    stored: list[int] = []
    status = 0
    for url in rt.settings.inbound_mailbox_urls:
        try:
            fetcher = _reader(rt, url, rt.process_inbound if queue else stored.append)
        except TokenError as exc:
            print(f"mailflow: {exc}", file=sys.stderr)
            status = 78
            continue
        try:
            done = fetcher.once()
        except (*FAILURES, *API_FAILURES) as exc:
            print(f"mailflow: mailbox {fetcher.label}: {describe(exc)}", file=sys.stderr)
            status = EX_TEMPFAIL
            continue
        print(f"mailbox {fetcher.label}: {done.stored} stored, {done.left} left", flush=True)
    if queue is not None:
        queue.stop()
    for inbound_id in stored:
        _process_soon(rt, inbound_id)
    return status


def deliver(settings: Settings, source: str) -> int:
    """For an MTA pipe transport: store, then process; exit 75 when it cannot store."""
    recipients = _recipients()
    limit = _size_limit(settings, recipients)
    try:
        raw = _read_at_most(source, limit + 1)  # one byte more tells "too large"
    except OSError as exc:
        print(f"mailflow: cannot read {source}: {exc.strerror}", file=sys.stderr)
        return EX_TEMPFAIL
    if len(raw) > limit:
        print("mailflow: message too large", file=sys.stderr)
        return 69  # EX_UNAVAILABLE: permanent, the MTA bounces it
    rt = Runtime(settings)
    try:
        inbound_id = store_raw(rt, raw, channel="pipe", mail_from=None, rcpt_to=recipients)
    except StoreError as exc:
        print(f"mailflow: cannot store the message now ({exc}); retry later", file=sys.stderr)
        return EX_TEMPFAIL
    _process_soon(rt, inbound_id)
    rt.close()
    return 0


def _read_at_most(source: str, size: int) -> bytes:
    """At most ``size`` bytes of the message: a sender that never stops (or a huge file)
    costs no more memory than the limit."""
    if source == "-":
        return sys.stdin.buffer.read(size)
    with open(source, "rb") as handle:
        return handle.read(size)


def _size_limit(settings: Settings, recipients: list[str]) -> int:
    """postmaster@, abuse@ and bounces@ take mail without a key: only small messages."""
    if any(is_keyless(address, settings.inbound_domain) for address in recipients):
        return min(settings.inbound_max_bytes, settings.inbound_keyless_max_bytes)
    return settings.inbound_max_bytes


def _recipients() -> list[str]:
    # Postfix pipe(8) and similar pass the recipient in the environment.
    found = os.environ.get("RECIPIENT") or os.environ.get("ORIGINAL_RECIPIENT")
    return [found] if found else []


def _process_soon(rt: Runtime, inbound_id: int) -> None:
    """With Redis, a worker processes it; embedded, we do it now (the sweep retries failures)."""
    if rt.settings.redis_url:
        queue = connect(rt)
        rt.process_inbound(inbound_id)
        queue.stop()
        return
    try:
        process(rt, inbound_id)
    except Exception as exc:  # stored already: the sweep tries again later
        print(
            f"mailflow: stored #{inbound_id}; processing failed ({exc}), will retry",
            file=sys.stderr,
        )


def looks_like_message(raw: bytes) -> bool:
    first = raw.lstrip()[:2000].split(b"\n", 1)[0]
    return bool(_HEADER_LINE.match(first))


def parse(paths: list[str]) -> int:
    """Print one JSON object per file, in order; changes nothing."""
    status = 0
    for name in paths:
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            print(f"mailflow: cannot read {name}: {exc.strerror}", file=sys.stderr)
            status = 1
            continue
        parsed = parse_message(raw) if looks_like_message(raw) else parse_text(raw)
        print(json.dumps(parsed.as_json(), ensure_ascii=False), flush=True)
    return status
