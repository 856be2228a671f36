"""``POST /inbound/webhook``: providers that post the raw MIME of a received message.

Authenticated with the shared secret (``Authorization: Bearer <secret>``). The message is
stored before we answer 202; when it cannot be stored the provider gets 503 and retries.
It takes a message as large as the SMTP server does (``MAILFLOW_INBOUND_MAX_BYTES``, not
the app's body cap for forms); a larger one gets 413, before its body is read.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, request
from werkzeug.exceptions import RequestEntityTooLarge

from mailflow.actions.inbound.store import StoreError, store_raw
from mailflow.web.context import runtime
from mailflow.web.errors import problem

bp = Blueprint("inbound_hook", __name__)
MULTIPART_ROOM = 64 * 1024


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
    limit = rt.settings.inbound_max_bytes
    try:
        raw = _body(limit)
    except RequestEntityTooLarge:  # the body is larger still: not read any further
        raw = None
    if raw is None or len(raw) > limit:
        return problem(413, "Content Too Large", f"The message is larger than {limit} bytes.")
    if not raw:
        return problem(400, "Bad Request", "The body must be the raw MIME message.")
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
    rt.process_inbound(inbound_id)
    return {"id": inbound_id, "status": "stored"}, 202


def _body(limit: int) -> bytes:
    """The raw message: the body itself, or the ``message`` file of a multipart form.
    The body may be as large as the message limit plus room for a multipart form's
    boundaries and part headers (the app's own cap is for forms, far smaller)."""
    request.max_content_length = limit + MULTIPART_ROOM
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("message")
        return upload.read(limit + 1) if upload else b""
    return request.get_data(cache=False)
