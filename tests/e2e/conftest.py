"""A live stack for end-to-end tests: the web app on a real port, the in-process worker,
and a real SMTP sink; links in captured emails point at the live server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from werkzeug.serving import BaseWSGIServer, make_server

from mailflow.jobs.broker import JobQueue
from mailflow.mail.capture import MailCapture
from mailflow.runtime import Runtime
from mailflow.web import create_app


@dataclass
class Live:
    rt: Runtime
    queue: JobQueue
    smtp: MailCapture
    server: BaseWSGIServer

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture
def live(rt: Runtime, queue: JobQueue, smtp: MailCapture) -> Iterator[Live]:
    server = make_server("127.0.0.1", 0, create_app(rt, devmail=smtp), threaded=True)
    rt.settings = rt.settings.with_(base_url=f"http://127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Live(rt, queue, smtp, server)
    server.shutdown()
    thread.join(timeout=5)
