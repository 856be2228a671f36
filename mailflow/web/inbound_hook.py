"""``POST /inbound/webhook``: providers that post the raw MIME of a received message.

Authenticated with the shared secret (``Authorization: Bearer <secret>``). The message is
stored before we answer 202; when it cannot be stored the provider gets 503 and retries.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, request

from mailflow.inbound.process import wake
from mailflow.inbound.store import StoreError, store_raw
from mailflow.web import runtime
from mailflow.web.errors import problem

bp = Blueprint("inbound_hook", __name__)


def _authorized(secret: str) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, sent = header.partition(" ")
    if scheme.lower() != "bearer":
        sent = request.headers.get("X-Mailflow-Secret", "")
    return bool(sent) and hmac.compare_digest(sent.strip().encode(), secret.encode())


@bp.post("/inbound/webhook")
def receive() -> Any:
    rt = runtime()
    secret = rt.settings.inbound_webhook_secret
    if not secret:
        return problem(404, "Not Found", "The inbound webhook is not enabled.")
    if not _authorized(secret):
        return problem(401, "Unauthorized", "Send the shared secret as a bearer token.")
    upload = request.files.get("message")
    raw = upload.read() if upload else request.get_data(cache=False)
    if not raw:
        return problem(400, "Bad Request", "The body must be the raw MIME message.")
    if len(raw) > rt.settings.inbound_max_bytes:
        return problem(413, "Content Too Large", "The message is larger than the limit.")
    try:
        inbound_id = store_raw(
            rt,
            raw,
            channel="webhook",
            mail_from=request.args.get("from"),
            rcpt_to=request.args.getlist("to"),
        )
    except StoreError:
        response = problem(503, "Service Unavailable", "The message could not be stored; retry.")
        response.headers["Retry-After"] = "60"
        return response
    wake(rt, inbound_id)
    return {"id": inbound_id, "status": "stored"}, 202
