"""Keep action-link tokens out of access logs (the token is a credential)."""

from __future__ import annotations

import logging
import re
from typing import Any

_TOKEN_PATH = re.compile(r"/a/[^/?\s\"]+")


def redact(text: str) -> str:
    return _TOKEN_PATH.sub("/a/<token>", text)


try:
    from gunicorn.glogging import Logger as _GunicornLogger

    class GunicornLogger(_GunicornLogger):
        """``gunicorn --logger-class mailflow.logredact.GunicornLogger``."""

        def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
            atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
            for key in ("r", "U", "{raw_uri}e"):
                if isinstance(atoms.get(key), str):
                    atoms[key] = redact(atoms[key])
            return atoms

except ImportError:  # gunicorn is a production dependency; tests may run without it
    pass


class RedactingFilter(logging.Filter):
    """For the werkzeug development server's request log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        record.msg = redact(str(record.msg))
        return True
