"""Logging for every process: plain lines, or one JSON object per line
(``MAILFLOW_LOG_FORMAT=json``), each carrying the request id of the work it belongs to.

The request id is set by the web process for each request (``X-Request-ID`` from the proxy
when it is well-formed, else a new one), travels in the options of every job that request
enqueues, and is set again by the worker around that job: one id from the HTTP request to
the emails its jobs send."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "mailflow_request_id", default=None
)
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
PLAIN = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
# LogRecord attributes that are not extra fields
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


def request_id() -> str | None:
    return _request_id.get()


def new_request_id(offered: str | None = None) -> str:
    """``offered`` (a proxy's X-Request-ID) when it looks like an id, else a fresh one."""
    if offered and _WELL_FORMED.match(offered):
        return offered
    return uuid.uuid4().hex


def bind(value: str | None) -> contextvars.Token[str | None]:
    return _request_id.set(value)


def unbind(token: contextvars.Token[str | None]) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, the record's
    extra fields, and the exception's traceback. ``redact`` is applied to the message and
    the traceback (the web layer's token redaction)."""

    def __init__(self, redact: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self.redact = redact or (lambda text: text)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        rid = getattr(record, "request_id", None) or _request_id.get()
        if rid and rid != "-":
            entry["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exception"] = self.redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter(log_format: str, redact: Callable[[str], str] | None = None) -> logging.Formatter:
    return JsonFormatter(redact) if log_format == "json" else logging.Formatter(PLAIN)


def configure(
    level: str, log_format: str = "text", redact: Callable[[str], str] | None = None
) -> None:
    """The root logger of a process: one handler on stderr in the chosen format."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(log_format, redact))
    handler.addFilter(RequestIdFilter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
