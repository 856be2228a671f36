"""A customer's email forwarded to ``deals@``: the partner's own words on top, then the
forwarded message (its header block and its text) as mail clients write it.

Forward markers and header labels of the common clients in seven languages: Gmail
("---------- Forwarded message ---------"), Thunderbird ("-------- Weitergeleitete
Nachricht --------"), Apple Mail ("Begin forwarded message:"), Outlook ("-----Original
Message-----", or a rule of underscores and a "From:/Von:/De:" block). A message forwarded
as an attachment (message/rfc822) is read from its own headers. Pure; never raises."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parseaddr

from mailflow.inbound.parse.customer import Customer, read_customer
from mailflow.inbound.parse.extract import extract_reply

_MAX_LINES = 2_000
_HEAD_LINES = 14  # a forwarded header block is never longer
_MARKER = re.compile(
    r"^[-_=\s]*+(?:begin |anfang der |début du |inizio |comienzo del |begin |początek )?"
    r"(?:forwarded message|forwarded e-?mail|weitergeleitete nachricht|message transf[ée]r[ée]"
    r"|message r[ée]exp[ée]di[ée]|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht"
    r"|przekazana wiadomo[śs][ćc]|przekazanej wiadomo[śs]ci|original message|urspr[üu]ngliche "
    r"nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht"
    r"|wiadomo[śs][ćc] oryginalna)\s*+:?[-_=\s]*+$",
    re.IGNORECASE,
)
# Outlook's "[mailto:a@b]", tried once a run of the characters it may hold, from the run's
# start and only when a "]" ends it; group 1 keeps what stands before "[mailto:" in the run.
_MAILTO_BRACKET = re.compile(
    r"(?<![^\]\s])(?=[^\]\s]*+\])([^\]\s]*?)\[mailto:([^\]\s]++)\]", re.IGNORECASE
)
_MAILTO_ANGLE = re.compile(r"<mailto:", re.IGNORECASE)
_LABEL = re.compile(r"^\*?\s*+([^\W\d][\w .'-]{0,20}?)\s*+\*?\s*+:\s*+\*?\s*+(.*)$")  # linear
_FROM = frozenset(("from", "von", "de", "da", "van", "od", "expéditeur", "absender",
                   "remitente", "mittente", "afzender", "nadawca"))  # fmt: skip
_SUBJECT = frozenset(("subject", "betreff", "objet", "sujet", "asunto", "oggetto", "onderwerp",
                      "temat"))  # fmt: skip
_OTHER = frozenset(("date", "sent", "to", "cc", "datum", "gesendet", "an", "envoyé",
                    "envoyé le", "à", "a", "enviado", "enviado el", "fecha", "para", "inviato",
                    "data", "aan", "verzonden", "verstuurd", "do", "wysłano", "wysłane", "kopie",
                    "copie", "dw"))  # fmt: skip


@dataclass(frozen=True)
class Forwarded:
    found: bool  # a forwarded message was recognised (else the whole text is the customer's)
    note: str = ""  # the partner's own words above it
    subject: str = ""
    customer: Customer = field(default_factory=Customer)


def read_forwarded(msg: Message, text: str) -> Forwarded:
    """``text``: the message's body as plain text. An attached message wins."""
    attached = _attached(msg)
    if attached is not None:
        inner, body = attached
        name, address = parseaddr(str(inner.get("From", "")))
        note = extract_reply(text[:20_000])[:1000]
        customer = read_customer(body, name, address)
        return Forwarded(True, note, str(inner.get("Subject", ""))[:300], customer)
    return read_forwarded_text(text)


def read_forwarded_text(text: str) -> Forwarded:
    lines = [line.rstrip() for line in text.splitlines()[:_MAX_LINES]]
    start = _start(lines)
    if start is None:
        return Forwarded(False, "", "", read_customer("\n".join(lines), "", ""))
    note = extract_reply("\n".join(lines[: start[0]]))[:1000]
    headers, body_at = _headers(lines, start[1])
    name, address = parseaddr(_mailto(headers.get("from", "")))
    body = "\n".join(_unquoted(lines[body_at:]))
    return Forwarded(True, note, headers.get("subject", "")[:300],
                     read_customer(body, name, address))  # fmt: skip


def _start(lines: list[str]) -> tuple[int, int] | None:
    """(the marker's line, the header block's first line), else None."""
    for i, line in enumerate(lines):
        probe = line.lstrip("> ").strip()
        if len(probe) < 200 and _MARKER.match(probe):
            head = i + 1
            while head < len(lines) and not lines[head].lstrip("> ").strip():
                head += 1
            return i, head
        if _label(probe) in _FROM and _block_follows(lines, i):
            top = i - 1 if i and set(lines[i - 1].strip()) <= {"_", "-"} else i
            return max(top, 0), i
    return None


def _block_follows(lines: list[str], i: int) -> bool:
    labels = {_label(line.lstrip("> ").strip()) for line in lines[i + 1 : i + 6]}
    return bool(labels & (_SUBJECT | _OTHER))


def _label(line: str) -> str:
    found = _LABEL.match(line[:200])
    return found.group(1).strip().lower() if found else ""


def _headers(lines: list[str], start: int) -> tuple[dict[str, str], int]:
    """The header block's From and Subject, and the first line of the body."""
    found: dict[str, str] = {}
    last = None
    i = start
    for i in range(start, min(len(lines), start + _HEAD_LINES)):
        probe = lines[i].lstrip("> ").strip()
        if not probe:
            return found, i + 1
        label = _label(probe)
        kind = "from" if label in _FROM else "subject" if label in _SUBJECT else None
        if kind is None and label not in _OTHER:
            if last is None:
                return found, i  # no header block after all
            found[last] = f"{found[last]} {probe}".strip()  # a wrapped value
            continue
        match = _LABEL.match(probe[:500])
        value = match.group(2).strip().strip("*").strip() if match else ""
        last = kind or "_other"
        found.setdefault(last, value)
    return found, i + 1


def _mailto(value: str) -> str:
    """Outlook's ``Name [mailto:a@b]`` and ``Name <mailto:a@b>`` as ``Name <a@b>``."""
    return _MAILTO_ANGLE.sub("<", _MAILTO_BRACKET.sub(r"\1<\2>", value[:500]))


def _unquoted(lines: list[str]) -> list[str]:
    """Some clients quote the forwarded text with ``>``: read it without."""
    quoted = [line for line in lines if line.strip()]
    if quoted and all(line.startswith(">") for line in quoted):
        return [line[1:].removeprefix(" ") for line in lines]
    return lines


def _attached(msg: Message) -> tuple[Message, str] | None:
    """The first attached message (forwarded as an attachment) and its text."""
    for count, part in enumerate(msg.walk()):
        if count > 50:
            return None
        if part.get_content_type() != "message/rfc822":
            continue
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message):
            return inner, _plain(inner)
    return None


def _plain(msg: Message) -> str:
    for count, part in enumerate(msg.walk()):
        if count > 50:
            break
        if part.get_content_type() == "text/plain":
            raw = part.get_payload(decode=True)
            if isinstance(raw, bytes):
                charset = part.get_content_charset() or "utf-8"
                try:
                    return raw.decode(charset, "replace")[:64_000]
                except LookupError:
                    return raw.decode("utf-8", "replace")[:64_000]
    return ""
