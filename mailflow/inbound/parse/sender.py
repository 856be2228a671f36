"""Who sent a message, read strictly, and what a bounce proves: the evidence the pipeline
checks before a reply, an out-of-office or a bounce may change anything.

* The From header must be exactly one header holding exactly one mailbox that the
  stdlib's RFC 5322 parser (``email.headerregistry``) reads without repairing it: a
  header with a defect (``victim@partner <attacker@evil>``, an unclosed ``<``), a group
  or a second mailbox is refused, never guessed at. Obsolete but unambiguous syntax
  (``J. Smith <j@example.com>``: a period in the name) is read. A Sender header is read
  the same way.
* Behind an MTA that checks DMARC/DKIM/SPF, its verdict for the From domain
  (:mod:`mailflow.inbound.parse.authresults`).
* For a bounce: the Message-IDs of the returned message (``message/rfc822``,
  ``text/rfc822-headers`` or headers quoted in a plain-text notice) and the recipients
  the report names as failed (``Final-Recipient`` and ``Original-Recipient``).

Reads the raw bytes itself (the parser in :mod:`mailflow.inbound.parse.message` keeps none of
this); never raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from email import errors, policy
from email.headerregistry import AddressHeader
from email.message import Message
from email.parser import BytesParser
from typing import Any

from mailflow.i18n import N_
from mailflow.inbound.parse import authresults
from mailflow.inbound.parse.classify import Bounce
from mailflow.inbound.parse.message import MAX_HEADER, MAX_MESSAGE
from mailflow.rules.note import Note

MAX_PARTS = 50  # parts of a bounce that are looked at
MAX_IDS = 20  # returned Message-IDs kept
MAX_TEXT = 50_000  # characters of a part searched for quoted headers
_RETURNED = ("message/rfc822", "message/global")
_RETURNED_HEADERS = ("text/rfc822-headers", "message/global-headers")
_STATUS = ("message/delivery-status", "message/global-delivery-status")


@dataclass(frozen=True)
class Mailbox:
    address: str | None  # lower case; None when the header is refused or missing
    problem: Note | None = None  # why it is refused


@dataclass(frozen=True)
class Evidence:
    sender: Mailbox  # the From mailbox
    auth: authresults.Verdict
    on_behalf: Mailbox | None = None  # the Sender header, when there is one
    returned_ids: tuple[str, ...] = ()  # Message-IDs of the message a bounce returns
    failed: frozenset[str] = field(default_factory=frozenset)  # recipients a report names

    def facts(self) -> dict[str, Any]:
        """For the stored message's outcome: the verdict, and what was refused."""
        data: dict[str, Any] = {"auth": self.auth.as_json()}
        if self.sender.problem:
            data["from_problem"] = self.sender.problem
            data["from_problem_note"] = self.sender.problem.as_json()
        if self.on_behalf is not None:
            data["sender"] = self.on_behalf.address or self.on_behalf.problem
        return data

    def bounced(self, bounce: Bounce | None) -> set[str]:
        """Every address the bounce names as failed, normalized."""
        named = set(self.failed)
        if bounce is not None and bounce.recipient:
            named.add(normalize(bounce.recipient))
        named.discard("")
        return named


def normalize(address: str) -> str:
    """``rfc822; <Bob@Example.COM> `` → ``bob@example.com``."""
    return address.rpartition(";")[2].strip().strip("<>").strip().lower()


def read_evidence(raw: bytes, authserv_ids: Sequence[str], *, bounce: bool) -> Evidence:
    try:
        return _read(raw, authserv_ids, bounce)
    except Exception:  # a message too broken to read proves nothing and verifies nobody
        return Evidence(Mailbox(None, Note(N_("unreadable headers"))), authresults.NOT_CHECKED)


def _read(raw: bytes, authserv_ids: Sequence[str], bounce: bool) -> Evidence:
    data = raw[:MAX_MESSAGE].replace(b"\x00", b"")  # the same part parse_message reads
    msg = BytesParser(policy=policy.compat32).parsebytes(data, headersonly=not bounce)
    headers = [(str(name), str(value)) for name, value in msg.raw_items()]
    sender = mailbox(headers, "From")
    on_behalf = mailbox(headers, "Sender") if _has(headers, "Sender") else None
    domain = sender.address.rpartition("@")[2] if sender.address else None
    auth = authresults.verdict(headers, authserv_ids, domain)
    if not bounce:
        return Evidence(sender, auth, on_behalf)
    ids, failed = _returned(msg)
    return Evidence(sender, auth, on_behalf, tuple(ids[:MAX_IDS]), frozenset(failed))


def _has(headers: list[tuple[str, str]], name: str) -> bool:
    return any(key.lower() == name.lower() for key, _ in headers)


def mailbox(headers: list[tuple[str, str]], name: str) -> Mailbox:
    """The one mailbox of header ``name``, or why it is refused."""
    values = [value for key, value in headers if key.lower() == name.lower()]
    if not values:
        return _refused(N_("no %(header)s header"), f"no {name} header", name)
    if len(values) > 1:
        many = f"{len(values)} {name} headers"
        return _refused(N_("%(count)s times the %(header)s header"), many, name, count=len(values))
    if len(values[0]) > MAX_HEADER:  # the stdlib's address parser is quadratic in the length
        return _refused(N_("%(header)s header too long"), f"{name} header too long", name)
    try:
        header = policy.default.header_fetch_parse(name, values[0])
    except Exception:
        return _refused(N_("unreadable %(header)s header"), f"unreadable {name} header", name)
    if not isinstance(header, AddressHeader):
        return _refused(N_("unreadable %(header)s header"), f"unreadable {name} header", name)
    defects: tuple[Exception, ...] = getattr(header, "defects", ())  # BaseHeader's, untyped
    repaired = [d for d in defects if not isinstance(d, errors.ObsoleteHeaderDefect)]
    if repaired:
        defect = _first_line(repaired[0])
        return _refused(N_("malformed %(header)s header (%(defect)s)"),
                        f"malformed {name} header ({defect})", name, defect=defect)  # fmt: skip
    if len(header.groups) != 1 or header.groups[0].display_name is not None:
        return _refused(N_("%(header)s is not one mailbox"), f"{name} is not one mailbox", name)
    addresses = header.groups[0].addresses
    if len(addresses) != 1:
        many = f"{len(addresses)} mailboxes in {name}"
        message = N_("%(count)s mailboxes in the %(header)s header")
        return _refused(message, many, name, count=len(addresses))
    address = addresses[0]
    if not address.username or "." not in address.domain or len(address.addr_spec) > 254:
        return _refused(N_("%(header)s is no complete address"), f"{name} is no complete address",
                        name)  # fmt: skip
    return Mailbox(address.addr_spec.lower())


def _refused(message: str, text: str, name: str, **args: Any) -> Mailbox:
    """A refused header: why, in English as it has always been written (``text``), and as
    a message for a reader of another language."""
    return Mailbox(None, Note(message, text, header=name, **args))


def _first_line(defect: Exception) -> str:
    return str(defect).splitlines()[0][:120] if str(defect) else type(defect).__name__


def _returned(msg: Message) -> tuple[list[str], set[str]]:
    """(Message-IDs of the returned message, recipients the report names as failed)."""
    ids: list[str] = []
    failed: set[str] = set()
    for count, part in enumerate(_outer_parts(msg)):
        if count >= MAX_PARTS:
            break
        kind = part.get_content_type()
        if kind in _RETURNED:
            ids += _returned_message_ids(part)
        elif kind in _STATUS:
            failed |= _failed_recipients(part)
        elif kind in _RETURNED_HEADERS or kind == "text/plain":
            ids += _quoted_message_ids(_text(part))
    return ids, failed


def _outer_parts(msg: Message) -> list[Message]:
    """The report's own parts (a returned message is looked into once, not walked)."""
    parts = [msg]
    payload = msg.get_payload()
    if msg.is_multipart() and msg.get_content_maintype() != "message":
        for part in payload if isinstance(payload, list) else []:
            if isinstance(part, Message):
                parts += _outer_parts(part)
            if len(parts) > MAX_PARTS:
                break
    return parts


def _returned_message_ids(part: Message) -> list[str]:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if isinstance(inner, Message):
        return [i for v in inner.get_all("Message-ID") or [] for i in _ids(str(v))]
    return _quoted_message_ids(_text(part))


def _quoted_message_ids(text: str) -> list[str]:
    """``Message-ID: <…>`` lines of headers returned as text (or quoted in a notice)."""
    found: list[str] = []
    lines = text[:MAX_TEXT].splitlines()
    for number, line in enumerate(lines):
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() == "message-id":
            following = lines[number + 1] if number + 1 < len(lines) else ""
            if following[:1] in (" ", "\t"):  # folded onto the next line
                value += following
            found += _ids(value)
    return found


def _ids(value: str) -> list[str]:
    """``<a@b>`` → ``a@b`` (our Message-IDs are stored without brackets)."""
    out = []
    for chunk in value.split("<")[1:]:
        inner, sep, _ = chunk.partition(">")
        if sep and inner and len(inner) <= 400 and not any(c.isspace() for c in inner):
            out.append(inner)
    return out


def _failed_recipients(part: Message) -> set[str]:
    """Final- and Original-Recipient of every failed or delayed recipient block."""
    found: set[str] = set()
    for block in _status_blocks(part):
        action = block.get("action", "").strip().lower()
        status = block.get("status", "").strip()
        if action in ("failed", "delayed") or (not action and status[:1] in ("4", "5")):
            for name in ("final-recipient", "original-recipient"):
                if block.get(name):
                    found.add(normalize(block[name]))
    found.discard("")
    return found


def _status_blocks(part: Message) -> list[dict[str, str]]:
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package splits a report into field blocks
        return [
            {str(k).lower(): str(v) for k, v in block.items()}
            for block in payload[:MAX_PARTS]
            if isinstance(block, Message)
        ]
    blocks: list[dict[str, str]] = []
    for chunk in _text(part).replace("\r\n", "\n").split("\n\n")[:MAX_PARTS]:
        block: dict[str, str] = {}
        for line in chunk.splitlines():
            name, sep, value = line.partition(":")
            if sep and name and not name[:1].isspace():
                block.setdefault(name.strip().lower(), value.strip())
        blocks.append(block)
    return blocks


def _text(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        return ""
    if isinstance(payload, bytes):
        return payload[: MAX_TEXT * 2].decode("utf-8", "replace")
    raw = part.get_payload()
    return raw[: MAX_TEXT * 2] if isinstance(raw, str) else ""
