"""Which X-Forwarded-* headers to believe: only those set by our own reverse proxies.

``MAILFLOW_TRUSTED_PROXIES`` says how many proxies stand in front of the app (each appends
one X-Forwarded-For entry), ``MAILFLOW_PROXY_ADDRESSES`` which addresses they connect
from. A request from one of those addresses gets the client's address, scheme and host from
the headers (werkzeug's ProxyFix); any other request keeps its own peer address, so a
client that reaches the app directly cannot choose the address its rate limits count."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class TrustedProxyFix:
    def __init__(self, app: WSGIApplication, proxies: int, addresses: Iterable[str]) -> None:
        self.app = app
        self.fixed = ProxyFix(app, x_for=proxies, x_proto=proxies, x_host=proxies)
        self.networks = [ipaddress.ip_network(a, strict=False) for a in addresses]

    def trusted(self, peer: str | None) -> bool:
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        if self.trusted(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)
