"""Keep signed-link tokens out of access and error logs (a token is a credential)."""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from mailflow import logs

# Every route whose next path segment is a signed token (the rate limits use them too).
TOKEN_PREFIXES = (
    "/a/",
    "/q/",
    "/e/",
    "/u/",
    "/away/",
    "/p/",
    "/territory/",
    "/r/",
    "/reports/unsubscribe/",
    "/console/reset/",
    "/console/email/",
    "/deal/",
    "/deal-review/",
    "/join/",
    "/terms/",
)
_TOKEN_PATH = re.compile("(" + "|".join(re.escape(p) for p in TOKEN_PREFIXES) + r")[^/?\s\"']+")


def redact(text: str) -> str:
    return _TOKEN_PATH.sub(r"\1<token>", text)


try:
    from gunicorn.glogging import Logger as _GunicornLogger

    class GunicornLogger(_GunicornLogger):
        """``gunicorn --logger-class mailflow.web.logredact.GunicornLogger``: the access log's
        request line and gunicorn's own messages (at debug level it names every path)."""

        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            if not any(isinstance(f, RedactingFilter) for f in self.error_log.filters):
                self.error_log.addFilter(RedactingFilter())
            if os.environ.get("MAILFLOW_LOG_FORMAT") == "json":  # as the app's own lines
                for log in (self.error_log, self.access_log):
                    for handler in log.handlers:
                        handler.setFormatter(logs.JsonFormatter(redact))

        def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
            """The access line carries the request id the app answered with."""
            rid = dict((k.lower(), v) for k, v in resp.headers).get("x-request-id")
            token = logs.bind(rid)
            try:
                super().access(resp, req, environ, request_time)
            finally:
                logs.unbind(token)

        def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
            atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
            for key in ("r", "U", "{raw_uri}e"):
                if isinstance(atoms.get(key), str):
                    atoms[key] = redact(atoms[key])
            return atoms

except ImportError:  # gunicorn is a production dependency; tests may run without it
    pass


class RedactingFilter(logging.Filter):
    """For the werkzeug development server's request log and Flask's error log (which
    names the path of a request that failed)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        record.msg = redact(str(record.msg))
        return True
