"""What the receiving MTA found about a message's sender: RFC 8601 Authentication-Results.

Behind an MTA that checks DMARC, DKIM and SPF (``MAILFLOW_INBOUND_AUTHSERV_ID`` names its
authserv-id), a reply acts only when the MTA vouches for its From domain: ``dmarc=pass``,
or a ``dkim=pass`` / ``spf=pass`` whose domain is aligned with it, and no ``dmarc=fail``.

Anyone can write an Authentication-Results header into a message, with any authserv-id.
Only the topmost run of headers carrying our authserv-id counts: it starts at the first
one from the top and ends at the next ``Received`` header (the hop before our MTA), so a
copy the sender wrote further down is never read; headers of other authserv-ids are
ignored. The MTA itself must remove incoming headers with its own authserv-id (RFC 8601
section 5), as OpenDMARC, OpenDKIM and rspamd do.

Pure and linear: a scanner, no regular expressions; every header and count is capped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mailflow.i18n import N_
from mailflow.rules.note import Note

MAX_HEADER = 8000  # characters of one header that are read
MAX_TRUSTED = 10  # headers of the trusted run that are read
_ALIGNED_PROPERTY = {"dkim": ("header.d", "header.i"), "spf": ("smtp.mailfrom",)}


@dataclass(frozen=True)
class Method:
    """One result: ``dkim=pass header.d=example.com`` → ("dkim", "pass", {...})."""

    name: str
    result: str
    props: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    checked: bool  # an authserv-id is configured: the verdict counts
    passed: bool
    reason: Note  # English where text is wanted; shown to ops in their language
    results: tuple[str, ...] = ()  # "dmarc=fail", "dkim=pass (example.com)", … as read

    def as_json(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "passed": self.passed,
            "reason": self.reason,
            "reason_note": self.reason.as_json(),
            "results": list(self.results),
        }


NOT_CHECKED = Verdict(
    False, True, Note(N_("not checked (no %(setting)s)"), setting="MAILFLOW_INBOUND_AUTHSERV_ID")
)


def verdict(
    headers: Iterable[tuple[str, str]], authserv_ids: Sequence[str], from_domain: str | None
) -> Verdict:
    """The verdict for ``from_domain`` from the message's headers (name, value), top first."""
    if not authserv_ids:
        return NOT_CHECKED
    ours = {a.lower() for a in authserv_ids}
    methods = [m for value in trusted_run(headers, ours) for m in parse(value)[1]]
    if not methods:
        servers = ", ".join(sorted(ours))
        return Verdict(True, False, Note(N_("no Authentication-Results from %(servers)s"),
                                         servers=servers))  # fmt: skip
    results = tuple(_describe(m) for m in methods[:20])
    if not from_domain:
        return Verdict(True, False, Note(N_("no From domain to check")), results)
    return _decide(methods, from_domain.lower().rstrip("."), results)


def trusted_run(headers: Iterable[tuple[str, str]], ours: set[str]) -> list[str]:
    """The values of the topmost consecutive Authentication-Results with our authserv-id."""
    run: list[str] = []
    for name, value in headers:
        lowered = name.strip().lower()
        if lowered == "received" and run:
            break
        if lowered != "authentication-results":
            continue
        authserv_id, _ = parse(value)
        if authserv_id in ours:
            run.append(value)
            if len(run) >= MAX_TRUSTED:
                break
    return run


def _decide(methods: list[Method], domain: str, results: tuple[str, ...]) -> Verdict:
    dmarc = [m.result for m in methods if m.name == "dmarc" and _about(m, domain)]
    if "fail" in dmarc:
        return Verdict(True, False, Note(N_("dmarc=fail for %(domain)s"), domain=domain), results)
    if "pass" in dmarc:
        return Verdict(True, True, Note(N_("dmarc=pass for %(domain)s"), domain=domain), results)
    for method in methods:
        if method.result == "pass" and _aligned(method, domain):
            why = Note(N_("%(method)s=pass aligned with %(domain)s"), method=method.name,
                       domain=domain)  # fmt: skip
            return Verdict(True, True, why, results)
    why = Note(N_("no DMARC, DKIM or SPF pass for %(domain)s"), domain=domain)
    return Verdict(True, False, why, results)


def _about(method: Method, domain: str) -> bool:
    """A DMARC result about the From domain (one without ``header.from`` is about it)."""
    named = method.props.get("header.from")
    return named is None or _domain_of(named) == domain


def _aligned(method: Method, domain: str) -> bool:
    """Relaxed alignment (RFC 7489): the same domain or one a subdomain of the other."""
    for prop in _ALIGNED_PROPERTY.get(method.name, ()):
        value = method.props.get(prop)
        if value is None:
            continue
        other = _domain_of(value)
        if "." not in other:
            continue
        if other == domain or domain.endswith("." + other) or other.endswith("." + domain):
            return True
    return False


def _domain_of(value: str) -> str:
    return value.strip('"').rpartition("@")[2].strip().lower().rstrip(".")


def _describe(method: Method) -> str:
    props = ("header.from", "header.d", "smtp.mailfrom")
    named = next((method.props[p] for p in props if p in method.props), None)
    text = f"{method.name}={method.result}"
    return f"{text} ({_domain_of(named)[:100]})" if named else text


def parse(value: str) -> tuple[str, list[Method]]:
    """``authserv-id [version]; method=result [reason=…] [ptype.property=value …]; …`` →
    (authserv-id in lower case, the methods). Comments are dropped; never raises."""
    segments = _segments(value[:MAX_HEADER])
    if not segments or not segments[0]:
        return "", []
    authserv_id = segments[0][0].strip('"').lower()
    methods = [m for m in (_method(tokens) for tokens in segments[1:]) if m is not None]
    return authserv_id, methods


def _method(tokens: list[str]) -> Method | None:
    if not tokens:
        return None
    name, sep, result = tokens[0].partition("=")
    if not sep or not name or not result:
        return None  # "none", or something that is no result
    props: dict[str, str] = {}
    for token in tokens[1:]:
        key, sep, prop_value = token.partition("=")
        if sep and key and key.lower() != "reason":
            props.setdefault(key.lower(), prop_value.strip('"'))
    return Method(name.partition("/")[0].lower(), result.lower(), props)


def _segments(text: str) -> list[list[str]]:
    """Split on ``;`` into whitespace-separated tokens: comments (nested parentheses) are
    dropped, quoted strings kept whole, and spaces around ``=`` ignored."""
    segments: list[list[str]] = [[]]
    token: list[str] = []
    depth = 0
    quoted = escaped = False

    def end_token() -> None:
        if token:
            segments[-1].append("".join(token))
            token.clear()

    for char in text:
        if escaped:  # the character after a backslash: kept in a quoted string, not in a comment
            if not depth:
                token.append(char)
            escaped = False
        elif char == "\\" and (quoted or depth):
            escaped = True
            if quoted:
                token.append(char)
        elif quoted:
            token.append(char)
            quoted = char != '"'
        elif depth:
            depth += {"(": 1, ")": -1}.get(char, 0)
        elif char == "(":
            depth = 1
        elif char == '"':
            token.append(char)
            quoted = True
        elif char == ";":
            end_token()
            segments.append([])
        elif char.isspace():
            end_token()
        elif char == "=" and not token and segments[-1]:
            token.extend(segments[-1].pop())  # "dkim = pass": join to the name before
            token.append(char)
        else:
            token.append(char)
    end_token()
    return _join_values(segments)


def _join_values(segments: list[list[str]]) -> list[list[str]]:
    """``dkim= pass``: a token ending in ``=`` takes the next one as its value."""
    joined: list[list[str]] = []
    for tokens in segments:
        out: list[str] = []
        for token in tokens:
            if out and out[-1].endswith("=") and "=" not in token.rstrip("="):
                out[-1] += token
            else:
                out.append(token)
        joined.append(out)
    return joined
