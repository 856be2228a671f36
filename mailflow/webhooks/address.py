"""Which webhook URLs mailflow may call, and at which address (the SSRF guard).

:func:`check` is the one decision, used when a URL is registered and before every
delivery: the URL must be plain ``https://host[:port]/path`` (``http`` only when
``MAILFLOW_WEBHOOK_ALLOW_PRIVATE`` is on), and *every* address the host resolves to must
be a public one. The sender then connects to the address returned here, never resolving
the name again (a second lookup could answer differently: DNS rebinding).

Hosts are read strictly, not the way a lenient resolver would: ``2130706433``,
``0x7f000001``, ``0177.0.0.1`` or ``127.1`` all mean 127.0.0.1 to ``inet_aton``, so a host
whose last label is a number must be a canonical dotted quad, and anything else is
refused rather than interpreted.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Lookup = Callable[..., Sequence[tuple[Any, ...]]]

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
# Never a webhook receiver, whatever the setting: "this network", the cloud metadata
# service (169.254.169.254 is link-local; AWS also answers on fd00:ec2::254).
_ALWAYS_REFUSED = (ipaddress.ip_network("0.0.0.0/8"), ipaddress.ip_network("fd00:ec2::254/128"))
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_V4_COMPATIBLE = ipaddress.ip_network("::/96")


class Refused(ValueError):
    """The URL or its address may not be called; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str  # "https" or "http"
    host: str  # the name (ASCII, lower case) or the address literal, for Host and SNI
    port: int
    path: str  # path and query, what the request line carries


def check(
    url: str, *, allow_private: bool, lookup: Lookup = socket.getaddrinfo
) -> tuple[Target, tuple[str, ...]]:
    """The parsed target of ``url`` and the checked addresses to connect to (in the
    resolver's order), or :class:`Refused`. ``lookup`` is the resolver
    (``socket.getaddrinfo``)."""
    target = parse(url)
    addresses = resolve(target, allow_private=allow_private, lookup=lookup)
    if target.scheme != "https" and not allow_private:
        raise Refused("the scheme must be https")
    return target, addresses


def parse(url: str) -> Target:
    """Only the URL's form: http(s), no user info, a host read strictly, the port."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "http://[": an unclosed IPv6 bracket
        raise Refused(f"not a URL: {exc}") from None
    if parts.scheme not in ("https", "http"):
        raise Refused(f"the scheme must be https, not {parts.scheme or 'none'!r}")
    if "@" in parts.netloc:
        raise Refused("a user name or password in the URL")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise Refused("the port is not a number from 1 to 65535")
    host = _host(parts.netloc, parts.hostname or "")
    port = port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    return Target(parts.scheme, host, port, path + (f"?{parts.query}" if parts.query else ""))


def _host(netloc: str, hostname: str) -> str:
    if not hostname:
        raise Refused("no host")
    if netloc.startswith("["):  # an IPv6 literal
        if "%" in hostname:
            raise Refused("an IPv6 zone index in the host")
        try:
            return str(ipaddress.IPv6Address(hostname))
        except ValueError:
            raise Refused(f"{hostname!r} is not an IPv6 address") from None
    name = hostname[:-1] if hostname.endswith(".") else hostname
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise Refused(f"{hostname!r} is not a valid host name") from None
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise Refused(f"{hostname!r} is not a valid host name")
    if _NUMERIC_LABEL.match(labels[-1]) and not _dotted_quad(name):
        raise Refused(f"{hostname!r} is a numeric host not written as a dotted quad")
    return name


def _dotted_quad(name: str) -> bool:
    try:
        return str(ipaddress.IPv4Address(name)) == name
    except ValueError:
        return False


def resolve(
    target: Target, *, allow_private: bool, lookup: Lookup = socket.getaddrinfo
) -> tuple[str, ...]:
    """The addresses of ``target``'s host, once every one of them passed
    :func:`address_refusal`; a literal is checked without a lookup."""
    try:
        literal = ipaddress.ip_address(target.host)
    except ValueError:
        literal = None
    addresses = [literal] if literal is not None else _lookup(target, lookup)
    for address in addresses:
        reason = address_refusal(address, allow_private=allow_private)
        if reason is not None:
            if literal is not None:
                raise Refused(f"{address} is {reason}")
            raise Refused(f"{target.host} resolves to {address}, {reason}")
    return tuple(dict.fromkeys(str(a) for a in addresses))


def _lookup(target: Target, lookup: Lookup) -> list[IPAddress]:
    try:
        answers = lookup(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Refused(f"{target.host} does not resolve ({exc})") from None
    found = []
    for family, *_, sockaddr in answers:
        if family not in (socket.AF_INET, socket.AF_INET6):
            raise Refused(f"{target.host} resolves to a non-IP address")
        found.append(ipaddress.ip_address(str(sockaddr[0]).split("%")[0]))
    if not found:
        raise Refused(f"{target.host} has no address")
    return found


def address_refusal(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why ``address`` may not be called, or None. An IPv6 address that carries an IPv4
    one (mapped, compatible, NAT64, 6to4) is judged by the IPv4 address it reaches."""
    inner = _embedded_v4(address)
    if inner is not None:
        reason = address_refusal(inner, allow_private=allow_private)
        return None if reason is None else f"an IPv6 form of {inner}, {reason}"
    if address.is_unspecified or any(address in net for net in _ALWAYS_REFUSED):
        return "an unspecified or reserved address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_loopback:
        return None if allow_private else "a loopback address"
    if address.is_reserved:
        return "a reserved address"
    if allow_private:
        return None
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "not a public address"
    return None


def _embedded_v4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    in_nat64 = any(address in net for net in _NAT64)
    in_compatible = address in _V4_COMPATIBLE and int(address) > 1  # not :: or ::1
    if in_nat64 or in_compatible:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
