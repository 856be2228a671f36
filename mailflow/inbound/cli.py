"""``mailflow inbound serve | deliver | parse``."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import sys
import threading
from pathlib import Path

from mailflow.settings import Settings

EX_TEMPFAIL = 75
_HEADER_LINE = re.compile(
    rb"^(from|to|subject|date|message-id|received|mime-version|return-path|delivered-to"
    rb"|content-type|in-reply-to|references|auto-submitted|x-[\w-]+):",
    re.IGNORECASE,
)


def serve(settings: Settings, host: str, port: int) -> int:
    """The inbound SMTP server until Ctrl-C / SIGTERM."""
    from mailflow.broker import connect
    from mailflow.inbound.server import make_server
    from mailflow.runtime import Runtime

    rt = Runtime(settings)
    queue = connect(rt, worker_threads=0 if settings.redis_url else 2)
    server = make_server(rt, host, port)
    server.start()
    print(f"mailflow inbound SMTP on {host}:{port} for @{settings.inbound_domain}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    server.stop()
    queue.stop()
    rt.close()
    return 0


def deliver(settings: Settings, source: str) -> int:
    """For an MTA pipe transport: store, then process; exit 75 when it cannot store."""
    from mailflow.inbound.store import StoreError, store_raw
    from mailflow.runtime import Runtime

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
    from mailflow.inbound.limits import is_keyless

    if any(is_keyless(address, settings.inbound_domain) for address in recipients):
        return min(settings.inbound_max_bytes, settings.inbound_keyless_max_bytes)
    return settings.inbound_max_bytes


def _recipients() -> list[str]:
    import os

    # Postfix pipe(8) and similar pass the recipient in the environment.
    found = os.environ.get("RECIPIENT") or os.environ.get("ORIGINAL_RECIPIENT")
    return [found] if found else []


def _process_soon(rt: object, inbound_id: int) -> None:
    """With Redis, a worker processes it; embedded, we do it now (the sweep retries failures)."""
    from mailflow.broker import connect
    from mailflow.inbound.process import process, wake
    from mailflow.runtime import Runtime

    assert isinstance(rt, Runtime)
    if rt.settings.redis_url:
        queue = connect(rt)
        wake(rt, inbound_id)
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
    from mailflow.inbound.parse import parse_message, parse_text

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
