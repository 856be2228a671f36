"""Raw bytes → what a message is and says. Pure and defensive: never raises.

Bounded work on hostile input: only the first MiB of a message is parsed (a reply's text
comes before its attachments), only its first parts are looked at, header values and text
are capped, and unknown or broken charsets fall back to UTF-8 with replacement, then
Latin-1. No text that comes out carries a NUL (PostgreSQL refuses them in text columns).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from datetime import date
from email.headerregistry import BaseHeader
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import getaddresses, parseaddr
from typing import Any

from mailflow.inbound.parse.classify import (
    Bounce,
    away_until,
    is_auto_reply,
    is_out_of_office,
    parse_bounce,
)
from mailflow.inbound.parse.extract import (
    answers_inline,
    extract_reply,
    extract_reply_from_html,
    html_to_text,
    relayed,
    relayed_html,
)
from mailflow.inbound.parse.forwarded import Forwarded, read_forwarded
from mailflow.inbound.parse.understand import Interpretation, understand
from mailflow.mail.replies import code_of_subject, key_of_message_id
from mailflow.rules.command import Command

MAX_MESSAGE = 1024 * 1024  # bytes parsed; the stdlib parser costs seconds on 10 MB of parts
MAX_PARTS = 200
MAX_TEXT = 64 * 1024  # characters of body text extracted; a command is in the first lines
# A header value is read this far (References from its end, where the newest ids are): the
# stdlib's address and encoded-word parsers are neither linear nor flat (nested comments
# recurse), and no header we read is longer.
MAX_HEADER = 4_000
_REPLY_KEY = re.compile(r"\breply\+([0-9a-z.]{5,60})@", re.IGNORECASE)
_BOUNCE_KEY = re.compile(r"\bbounce\+([0-9a-z.]{3,60})@", re.IGNORECASE)
# deals@ (or deals+<key>@): a customer's email forwarded as a deal registration
_DEALS = re.compile(r"^deals(?:\+([0-9a-z.]{3,60}))?@([^@\s>]{1,253})$", re.IGNORECASE)
_MSGID = re.compile(r"<([^<>\s]{1,400})>")


# The structured header parser (Content-Type, Content-Disposition) is far from linear: a
# 64 KB parameter list took minutes. Real values are a few hundred characters.
_PARSED_HEADER = 2_000


class _ParseOncePolicy(EmailPolicy):
    """``policy.default``, but a header value is parsed once, not at every access: the
    stdlib re-parses Content-Type for every ``get_content_type()`` and the header parser
    was most of the time spent on a short reply. Header objects are immutable strings,
    so one parsed value can serve every access (and every message with the same value)."""

    def header_fetch_parse(self, name: str, value: str) -> Any:
        return _fetch_parse(name, value[:_PARSED_HEADER])  # a hostile 100 KB value: its head


@functools.lru_cache(maxsize=1024)
def _fetch_parse(name: str, value: str) -> BaseHeader:
    header: BaseHeader = EmailPolicy.header_fetch_parse(_POLICY, name, value)
    return header


_POLICY = _ParseOncePolicy()


@dataclass
class Parsed:
    kind: str  # reply | auto_reply | bounce | other
    reply_text: str = ""
    relayed: bool = False  # the reply opens with someone else's message (see extract.relayed)
    inline: bool = False  # answers typed between our quoted questions (extract.answers_inline)
    command: Command | None = None  # only when sure enough to act (see understand.THRESHOLD)
    interpretation: Interpretation | None = None  # how sure, why, and the other readings
    bounce: Bounce | None = None
    reply_key: str | None = None  # of a reply+<key>@ recipient, else of a Message-ID replied to
    reply_code: str | None = None  # the subject's code (shared-address mode)
    from_addr: str | None = None
    subject: str = ""
    message_id: str | None = None
    thread_ids: list[str] = field(default_factory=list)  # In-Reply-To + References
    out_of_office: bool = False
    away_until: date | None = None
    ours: bool = False  # our own email came back (a loop)
    bounce_keys: list[str] = field(default_factory=list)  # VERP keys of bounce+…@ recipients
    # sent to deals@<domain> or deals+<key>@<domain>: (key or "", domain), and what the
    # forwarded message says
    deals_to: tuple[str, str] | None = None
    forwarded: Forwarded | None = None
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The documented shape of ``mailflow inbound parse``."""
        cmd = self.command
        reading = self.interpretation
        return {
            "kind": self.kind,
            "reply_text": self.reply_text,
            "command": None
            if cmd is None
            else {
                "action": cmd.action,
                "stage": cmd.stage,
                "amount": float(cmd.amount) if cmd.amount is not None else None,
                "currency": cmd.currency,
                "reason": cmd.reason,
                "confidence": reading.confidence if reading else None,
                "language": reading.language if reading else None,
                "because": reading.because if reading else None,
                "note": reading.note or None if reading else None,
            },
            "bounced_recipient": self.bounce.recipient if self.bounce else None,
            "reply_key": self.reply_key,
        }


def parse_message(
    raw: bytes, rcpt_to: list[str] | None = None, today: date | None = None
) -> Parsed:
    return _without_nul(_parse_message(raw, rcpt_to, today))


def _without_nul(value: Any) -> Any:
    """``value`` with every NUL removed from its text, also inside lists and dataclasses
    (encoded words, quoted-printable and base64 can all decode to one)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _without_nul(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def _parse_message(raw: bytes, rcpt_to: list[str] | None, today: date | None) -> Parsed:
    try:
        msg = BytesParser(policy=_POLICY).parsebytes(raw[:MAX_MESSAGE].replace(b"\x00", b""))
    except Exception:  # the stdlib parser is lenient, but be sure: unparseable is "other"
        return Parsed(kind="other", problems=["unparseable"])
    parsed = Parsed(kind="other")
    _headers(msg, parsed, rcpt_to or [])
    bounce = _safe(lambda: parse_bounce(msg))
    if bounce is not None:
        parsed.kind, parsed.bounce = "bounce", bounce
        return parsed
    plain, html = _bodies(msg, parsed)
    if parsed.deals_to is not None:
        parsed.forwarded = _safe(lambda: read_forwarded(msg, _full_text(plain, html)))
    text = _reply_text(plain, html)
    parsed.relayed = bool(_safe(lambda: _relayed(plain, html)))
    parsed.inline = bool(_safe(lambda: answers_inline(plain[:MAX_TEXT])))
    if _safe(lambda: is_auto_reply(msg)):
        parsed.kind = "auto_reply"
        parsed.out_of_office = bool(_safe(lambda: is_out_of_office(msg)))
        if parsed.out_of_office:
            parsed.away_until = away_until(f"{parsed.subject}\n{text}", today or date.today())
        parsed.reply_text = text
        return parsed
    parsed.reply_text = text
    replied = parsed.reply_key or parsed.reply_code or parsed.thread_ids
    if replied or parsed.subject.lower().startswith(("re:", "aw:")):
        parsed.kind = "reply"
        _understand(parsed, None)
    return parsed


def _understand(parsed: Parsed, language_hint: str | None) -> None:
    parsed.interpretation = understand(
        parsed.reply_text, language_hint, relayed=parsed.relayed, inline=parsed.inline
    )
    parsed.command = parsed.interpretation.command


def with_language(parsed: Parsed, language_hint: str | None) -> Parsed:
    """``parsed`` read again knowing the sender's language (a tie in the guess goes to it)."""
    if parsed.kind != "reply" or not language_hint:
        return parsed
    first = parsed.interpretation
    if first is not None and first.language == language_hint.lower()[:2]:
        return parsed  # read in that language already: knowing it changes nothing
    again = dataclasses.replace(parsed)
    _understand(again, language_hint)
    return again


def _safe(fn: Any) -> Any:
    try:
        return fn()
    except Exception:  # classification must never take processing down
        return None


def _first_header(msg: Message, name: str, raw: dict[str, str]) -> str:
    """The first header ``name``'s text (``raw``: the raw values by lower-case name). A
    plain ASCII value without encoded words reads as it stands (unfolded): the
    structured header parser gives the same text and costs more than the rest of a
    short reply's parse."""
    value = raw.get(name.lower())
    if value is None:
        return ""
    if len(value) > MAX_HEADER:
        value = value[-MAX_HEADER:] if name == "References" else value[:MAX_HEADER]
        return _FOLD.sub(" ", value).strip()  # never the full parse of a hostile value
    if value.isascii() and "=?" not in value:
        return _FOLD.sub(" ", value).strip()
    try:
        parsed = msg.get(name)
        return str(parsed) if parsed is not None else ""
    except Exception:  # malformed header values raise on access in the new policy
        return str(value)  # get_all() would parse and raise again: the raw value


_FOLD = re.compile(r"\r?\n(?=[ \t])")


def _headers(msg: Message, parsed: Parsed, rcpt_to: list[str]) -> None:
    raw: dict[str, str] = {}
    for header_name, header_value in msg.raw_items():
        raw.setdefault(header_name.lower(), header_value)
    _header = functools.partial(_first_header, raw=raw)
    parsed.subject = " ".join(_header(msg, "Subject").split())[:500]
    addr = (_safe(lambda: parseaddr(_header(msg, "From"))[1]) or "").strip().lower()
    parsed.from_addr = addr if "@" in addr else None
    found = _MSGID.search(_header(msg, "Message-ID"))
    parsed.message_id = found.group(1) if found else None
    thread = _header(msg, "In-Reply-To") + " " + _header(msg, "References")
    parsed.thread_ids = _MSGID.findall(thread)[-50:]
    parsed.ours = bool(_header(msg, "X-Mailflow-Kind"))
    candidates = list(rcpt_to)
    for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
        value = _header(msg, name)
        candidates += [a for _, a in _safe(lambda v=value: getaddresses([v])) or []]
    for address in candidates:
        key = _REPLY_KEY.search(address or "")
        if key and parsed.reply_key is None:
            parsed.reply_key = key.group(1).lower()
        verp = _BOUNCE_KEY.search(address or "")
        if verp:
            parsed.bounce_keys.append(verp.group(1).lower())
        deals = _DEALS.match((address or "").strip())
        if deals and parsed.deals_to is None:
            parsed.deals_to = ((deals.group(1) or "").lower(), deals.group(2).lower())
    # one shared reply address: the key of the newest of our emails the reply names
    for thread_id in reversed(parsed.thread_ids):
        if parsed.reply_key is None:
            parsed.reply_key = key_of_message_id(thread_id)
    parsed.reply_code = code_of_subject(parsed.subject)


def _reply_text(plain: str, html: str) -> str:
    if plain.strip():
        return extract_reply(plain[:MAX_TEXT])
    if html.strip():
        return extract_reply_from_html(html[:MAX_TEXT])
    return ""


def _relayed(plain: str, html: str) -> bool:
    if plain.strip():
        return relayed(plain[:MAX_TEXT])
    return relayed_html(html[:MAX_TEXT]) if html.strip() else False


def _full_text(plain: str, html: str) -> str:
    """The whole body as plain text, quotes and all (a forward is all quote)."""
    return plain[:MAX_TEXT] if plain.strip() else html_to_text(html[:MAX_TEXT])


def _bodies(msg: Message, parsed: Parsed) -> tuple[str, str]:
    plain = html = ""
    for count, part in enumerate(msg.walk()):
        if count >= MAX_PARTS:
            parsed.problems.append("too many parts")
            break
        if part.is_multipart() or _is_attachment(part):
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain" and not plain:
            plain = _decode(part, parsed)
        elif ctype == "text/html" and not html:
            html = _decode(part, parsed)
    return plain, html


def _is_attachment(part: Message) -> bool:
    try:
        return (part.get_content_disposition() or "") == "attachment"
    except Exception:
        return False


def _decode(part: Message, parsed: Parsed) -> str:
    if isinstance(part, EmailMessage):
        try:
            content = part.get_content()
            if isinstance(content, str):
                return content
        except Exception:  # unknown charset, bad base64: decode the bytes ourselves
            parsed.problems.append("undecodable part")
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("latin-1")


def parse_text(raw: bytes) -> Parsed:
    """A bare reply body (no headers), e.g. a corpus file: extract and interpret it."""
    raw = raw[:MAX_MESSAGE].replace(b"\x00", b"")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    reply = extract_reply(text[:MAX_TEXT])
    parsed = Parsed(
        kind="reply",
        reply_text=reply,
        relayed=relayed(text[:MAX_TEXT]),
        inline=answers_inline(text[:MAX_TEXT]),
    )
    _understand(parsed, None)
    result: Parsed = _without_nul(parsed)
    return result
