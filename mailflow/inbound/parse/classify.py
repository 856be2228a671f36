"""Auto-reply and bounce detection on a parsed inbound message.

An out-of-office note or a bounce must never count as a partner's answer. Headers decide
first (RFC 3834 Auto-Submitted, Exchange's rule markers, RFC 3464 reports); subjects and
bodies in the partners' languages catch the servers and clients that set no header.
Every function here is pure and never raises: a message we cannot read is no auto-reply.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from email.header import decode_header, make_header
from email.message import Message

from mailflow.inbound.parse.extract import html_to_text

_BODY_CHARS = 50_000  # notices are short; this bounds every pattern's work on huge bodies
_HEADER_CHARS = 4_000  # a header value is decoded and searched only this far


def _fold(text: str) -> str:
    """Lower case without accents, so "Réponse automatique" and "reponse automatique" agree."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _folded(pattern: str) -> re.Pattern[str]:
    return re.compile(_fold(pattern))


_PRESENCE_HEADERS = (
    "x-autoreply",
    "x-autorespond",
    "x-autoresponder",
    "x-autoreply-from",
    "x-mail-autoreply",
    "x-ms-exchange-inbox-rules-loop",
)
_AUTO_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
_BOUNCE_SENDER = re.compile(r"mailer-daemon|postmaster|mail delivery (?:sub)?system", re.I)
_AUTO_SUBJECT = _folded(
    r"out of (?:the )?office|out-of-office|^ooo\b|automatic reply|auto[- ]?reply|auto[- ]response"
    r"|automatische antwort|abwesenheitsnotiz|abwesenheitsmeldung|ich bin nicht im büro"
    r"|réponse automatique|respuesta automática|risposta automatica|automatisch antwoord"
    r"|autoodpowiedź|odpowiedź automatyczna|resposta automática|automatiskt svar|automatisk svar"
    r"|automaattinen vastaus|автоматический ответ|i am out of the office|i'm out of the office"
)
_ABSENCE = _folded(
    r"out of (?:the )?office|out-of-office|^ooo\b|away from (?:the |my )?(?:office|desk)"
    r"|on (?:annual |parental |sick |maternity |paternity )?leave|on (?:vacation|holiday)"
    r"|(?:i am|i'm) (?:currently )?(?:away|out|absent|travell?ing|not in)"
    r"|limited access to (?:my )?e-?mail|back in the office|abwesenheit|abwesend|nicht im büro"
    r"|außer haus|im urlaub|urlaubsbedingt|nicht erreichbar|wieder im büro|en congé|en vacances"
    r"|absente? (?:du bureau|jusqu)|fuera de la oficina|de vacaciones|ausente|fuori ufficio"
    r"|in ferie|assente|afwezig|met vakantie|niet op kantoor|poza biurem|nieobecn|na urlopie"
    r"|frånvarande|på semester|lomalla|в отпуске|отсутству"
)


def is_auto_reply(msg: Message) -> bool:
    """Anything a machine answered: RFC 3834 headers, Exchange rules, localized OOO subjects."""
    try:
        auto_submitted = _header(msg, "auto-submitted").lower()
        if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
            return True
        if any(_header(msg, name) for name in _PRESENCE_HEADERS):
            return True
        if _header(msg, "precedence").lower() in _AUTO_PRECEDENCE:
            return True
        if "mailbox rules agent" in _header(msg, "x-ms-exchange-generated-message-source").lower():
            return True
        if msg.get_content_type() == "multipart/report" or _BOUNCE_SENDER.search(
            _header(msg, "from")
        ):
            return True  # a delivery report is machine mail even when it sets no header
        # X-Auto-Response-Suppress is deliberately ignored: Outlook sets it on ordinary mail.
        return bool(_AUTO_SUBJECT.search(_fold(_header(msg, "subject"))))
    except Exception:  # a message too broken to read is not treated as a machine's
        return False


def is_out_of_office(msg: Message) -> bool:
    """An auto-reply that says its sender is away (not a ticket receipt or a bounce)."""
    if not is_auto_reply(msg):
        return False
    try:
        if _ABSENCE.search(_fold(_header(msg, "subject"))):
            return True
        return bool(_ABSENCE.search(_fold(_body_text(msg)[:_BODY_CHARS])))
    except Exception:
        return False


def _header(msg: Message, name: str) -> str:
    """A header's decoded value, read from the raw pairs so a malformed value cannot raise."""
    for key, value in msg.raw_items():
        if key.lower() == name:
            value = str(value)[:_HEADER_CHARS]  # the stdlib decoder is not linear
            try:
                return str(make_header(decode_header(value))).strip()
            except Exception:  # a broken encoded word: the raw text is good enough
                return value.strip()
    return ""


def _outer_parts(msg: Message) -> Iterator[Message]:
    """The message's parts, without descending into attached (returned or forwarded) mails."""
    yield msg
    if not msg.is_multipart() or msg.get_content_maintype() == "message":
        return
    for part in msg.get_payload():
        if isinstance(part, Message):
            yield from _outer_parts(part)


def _part_text(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        return ""
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return payload.decode("utf-8", errors="replace")


def _body_text(msg: Message) -> str:
    """Plain text of the message's own body parts; HTML only when there is no plain part."""
    plain: list[str] = []
    html: list[str] = []
    for part in _outer_parts(msg):
        kind = part.get_content_type()
        if kind == "text/plain":
            plain.append(_part_text(part)[:_BODY_CHARS])
        elif kind == "text/html":
            html.append(_part_text(part)[:_BODY_CHARS])
    return "\n".join(plain) if plain else "\n".join(html_to_text(text) for text in html)


# --- away_until -----------------------------------------------------------------------------

_MONTH_NAMES = {
    1: "january jan januar jänner janvier janv enero ene gennaio gen januari stycznia janeiro",
    2: "february feb februar fevrier fevr fev febrero febbraio februari lutego fevereiro",
    3: "march mar märz marz mars marzo maart mrt marca março",
    4: "april apr avril avr abril abr aprile kwietnia",
    5: "may mai mayo maggio mag mei maja maio",
    6: "june jun juni juin junio giugno giu czerwca junho",
    7: "july jul juli juillet juil julio luglio lug lipca julho",
    8: "august aug août aout agosto ago augustus sierpnia",
    9: "september sep sept septembre septiembre settembre set września setembro",
    10: "october oct oktober okt octobre octubre ottobre ott października outubro out",
    11: "november nov novembre noviembre listopada novembro",
    12: "december dec dezember dez décembre diciembre dic dicembre grudnia dezembro",
}
_MONTHS = {_fold(name): number for number, names in _MONTH_NAMES.items() for name in names.split()}
_MONTH = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_DATES = (
    ("ymd", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("dmy", re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2}(?!\d))")),
    ("dm", re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.(?!\s?\d)")),
    ("slash", re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")),
    (
        "d_month",
        re.compile(
            rf"\b(\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s*+(?:of |de )?({_MONTH})\b\.?"
            r"(?:,?\s++(?:de\s++)?(\d{4}))?"
        ),
    ),
    (
        "month_d",
        re.compile(rf"\b({_MONTH})\b\.?\s++(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s++(\d{{4}}))?"),
    ),
)
_RETURN_BEFORE = _folded(
    r"(?:back|return|returning|returns|wieder|zurück|retour|reviens|regreso|vuelvo|rientro"
    r"|rientrerò|terug|powrót|wracam|volto|retorno|tillbaka|tilbage|takaisin)\b[^.\n]{0,30}+$"
)
# German and French put the return word after the date ("ab dem 16. März wieder da").
_RETURN_AFTER = _folded(r"^[^.\n]{0,25}\b(?:wieder|zurück|de retour)\b")
_UNTIL_BEFORE = _folded(
    r"(?:[-–]|\b(?:until|till|through|thru|bis|jusqu|hasta|fino al?|tot en met|tot|t/m|do|to)\b)"
    r"[^.\n\d]{0,20}+$"
)


def away_until(text: str, today: date) -> date | None:
    """The return date an out-of-office names ("back on 12.03.2026", "bis zum 12.3.")."""
    try:
        folded = _fold((text or "")[:_BODY_CHARS])
        found = sorted(_find_dates(folded, today))
    except Exception:
        return None
    if not found:
        return _weekday_return(folded, today)
    for test in (_is_return_date, _is_until_date):
        for number, (start, end, day) in enumerate(found):
            previous_end = found[number - 1][1] if number else 0
            next_start = found[number + 1][0] if number + 1 < len(found) else len(folded)
            if test(folded[max(previous_end, start - 40) : start], folded[end:next_start]):
                return day
    return max(day for _, _, day in found)  # a range or a lone date: the latest one it names


def _is_return_date(before: str, after: str) -> bool:
    return bool(_RETURN_BEFORE.search(before) or _RETURN_AFTER.search(after))


def _is_until_date(before: str, after: str) -> bool:
    return bool(_UNTIL_BEFORE.search(before))


_US_STYLE_CLUE = re.compile(r"\b(?:back|until|return|office)\b")


def _find_dates(folded: str, today: date) -> Iterator[tuple[int, int, date]]:
    """Every plausible date in the text with its span; overlapping matches keep the first."""
    taken: list[tuple[int, int]] = []
    us_style = bool(_US_STYLE_CLUE.search(folded))
    for kind, pattern in _DATES:
        for match in pattern.finditer(folded):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            day = _to_date(kind, match.groups(), today, us_style)
            if day is not None and -365 <= (day - today).days <= 730:
                taken.append(match.span())
                yield match.start(), match.end(), day


def _to_date(kind: str, groups: tuple[str | None, ...], today: date, us: bool) -> date | None:
    values = [group or "" for group in groups]
    if kind == "ymd":
        year, month, day = values
    elif kind in ("dmy", "dm"):
        day, month, year = [*values, ""][:3]
    elif kind == "slash":
        first, second, year = values
        month_first = int(second) > 12 or (us and int(first) <= 12)
        day, month = (second, first) if month_first else (first, second)
    elif kind == "d_month":
        day, month, year = values[0], str(_MONTHS[values[1]]), values[2]
    else:
        month, day, year = str(_MONTHS[values[0]]), values[1], values[2]
    return _build_date(int(year) if year else None, int(month), int(day), today)


def _build_date(year: int | None, month: int, day: int, today: date) -> date | None:
    try:
        if year is not None:
            return date(year + 2000 if year < 100 else year, month, day)
        candidate = date(today.year, month, day)
    except ValueError:
        return None
    # "bis zum 12.3." names the next 12 March, unless it is a just-expired notice.
    if (today - candidate).days > 60:
        try:
            return date(today.year + 1, month, day)
        except ValueError:  # 29 February
            return None
    return candidate


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS_DE = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag")
_WEEKDAY = "|".join(_WEEKDAYS + _WEEKDAYS_DE)
_WEEKDAY_RETURN = re.compile(
    rf"(?:back|return\w{{0,6}}|wieder|zuruck)[^.\n]{{0,15}}\b({_WEEKDAY})\b"
    rf"|\b({_WEEKDAY})\b[^.\n]{{0,20}}\bwieder\b"
)


def _weekday_return(folded: str, today: date) -> date | None:
    """ "Back on Monday" / "ab Montag wieder": the next such weekday after today."""
    match = _WEEKDAY_RETURN.search(folded)
    if match is None:
        return None
    name = match.group(1) or match.group(2)
    weekday = (_WEEKDAYS + _WEEKDAYS_DE).index(name) % 7
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


# --- bounces --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bounce:
    recipient: str | None
    hard: bool
    status: str | None  # RFC 3463 enhanced status, e.g. "5.1.1"
    diagnostic: str | None


_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_SMTP_CODE = re.compile(r"(?<!\d)([45]\d\d)(?:[\s-]|$)", re.MULTILINE)
# Starts only where a run of local-part characters starts, and never gives characters back:
# a search over a long run without "@" (or a domain without its dot) stays linear.
_ADDRESS = re.compile(
    r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]++@[\w-]++(?:\.[\w-]++)++"
)
_BOUNCE_SUBJECT = _folded(
    r"undelivered mail|delivery status notification|undeliverable|undelivered|unzustellbar"
    r"|nicht zustellbar|mail delivery failed|delivery failure|failure notice|returned mail"
    r"|delivery has failed|could not be delivered|non remis|non recapitabile|impossible de remettre"
    r"|no se puede entregar|onbestelbaar|niedostarczaln|message not delivered|delivery delayed"
    r"|delayed mail|zustellung verzögert|warning: could not send"
)
_SOFT_WORDS = _folded(
    r"delay|temporar|will retry|will be retried|still trying|retrying|verzögert|vorübergehend"
    r"|not yet been delivered|noch nicht zugestellt"
)
_RECIPIENT_CLUES = (
    re.compile(r"^[ \t]*+<([^<>\s@]++@[^<>\s]++)>:", re.MULTILINE),  # Postfix, qmail
    # Exim, failed and delayed
    re.compile(
        r"(?:address(?:\(es\)|es)? failed|not yet been delivered (?:is|are)):"
        r"\s++<?([^\s<>@]++@[^\s<>]++)",
        re.I,
    ),
    re.compile(r"(?:delivered|deliver(?:y|ed)?|message) to:?\s++<?([^\s<>@]++@[^\s<>]++)", re.I),
    re.compile(
        r"(?:recipients?|groups|empfänger|gruppen|destinataires?)[^\n@:]{0,40}:\s++"
        r"(?:[^\n@]{0,60}[(<\[])?([^\s<>()\[\]@]++@[^\s<>()\[\]]++)",
        re.I,
    ),
    re.compile(r"(?:an|für)\s++<?([^\s<>@]++@[^\s<>]++)>?\s++(?:konnte|ist|wurde)", re.I),
)


def parse_bounce(msg: Message) -> Bounce | None:
    """A delivery failure report (RFC 3464 or a common plain-text NDR), else None."""
    try:
        is_report, bounce = _delivery_status(msg)
        return bounce if is_report else _plain_bounce(msg)
    except Exception:  # a report too broken to read: better a missed bounce than a crash
        return None


_STATUS_PARTS = ("message/delivery-status", "message/global-delivery-status")
_BLANK_LINE = re.compile(r"\n\s*\n")
# "Name: value" with its folded continuation lines; every run is taken whole (possessive), so
# nothing is tried twice.
_STATUS_FIELD = re.compile(r"^([\w-]++):[ \t]*+([^\n]*+(?:\n[ \t]++[^\n]*+)*+)", re.MULTILINE)


def _delivery_status(msg: Message) -> tuple[bool, Bounce | None]:
    """RFC 3464: whether msg is a report, and its first failed or delayed recipient."""
    for part in _outer_parts(msg):
        if part.get_content_type() not in _STATUS_PARTS:
            continue
        blocks = _status_blocks(part)
        recipients = [block for block in blocks if "action" in block or "final-recipient" in block]
        for block in recipients:
            action = block.get("action", "").lower()
            status = block.get("status", "").strip()
            if action in ("failed", "delayed") or (not action and status[:1] in ("4", "5")):
                return True, _bounce_from_block(block, action)
        if recipients:
            return True, None  # delivered, relayed or expanded: a success notice
    return False, None


def _status_blocks(part: Message) -> list[dict[str, str]]:
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package splits the report into field blocks
        return [
            {key.lower(): str(value) for key, value in block.items()}
            for block in payload
            if isinstance(block, Message)
        ]
    text = _part_text(part) or (payload if isinstance(payload, str) else "")
    blocks: list[dict[str, str]] = []
    for chunk in _BLANK_LINE.split(text.replace("\r\n", "\n")[:_BODY_CHARS]):
        fields = _STATUS_FIELD.findall(chunk)
        blocks.append({key.lower(): value for key, value in fields})
    return blocks


def _bounce_from_block(block: dict[str, str], action: str) -> Bounce:
    recipient = block.get("final-recipient") or block.get("original-recipient") or ""
    address = _ADDRESS.search(recipient.split(";")[-1])
    status = _STATUS.search(block.get("status", ""))
    code = status.group(0) if status else None
    diagnostic = " ".join(block.get("diagnostic-code", "").split(";", 1)[-1].split())
    hard = code.startswith("5") if code else action == "failed"
    return Bounce(address.group(0) if address else None, hard, code, diagnostic[:500] or None)


def _plain_bounce(msg: Message) -> Bounce | None:
    """Non-standard NDRs (qmail, Exim, Exchange, Gmail): sender, subject and body wording."""
    failed = _header(msg, "x-failed-recipients")
    sender = _header(msg, "from") + " " + _header(msg, "return-path")
    subject = _fold(_header(msg, "subject"))
    if not (failed or _BOUNCE_SENDER.search(sender) or _BOUNCE_SUBJECT.search(subject)):
        return None
    text = _body_text(msg)[:_BODY_CHARS]
    status = _STATUS.search(text)
    code = _SMTP_CODE.search(text)
    if not (failed or status or code or _BOUNCE_SUBJECT.search(subject)):
        return None  # a postmaster writing an ordinary mail
    found = status or code
    if found:
        hard = found.group(0).startswith("5")
    else:
        hard = not _SOFT_WORDS.search(subject + " " + _fold(text[:5000]))
    recipient = _first_address(failed) or _recipient_in(text, msg)
    return Bounce(recipient, hard, status.group(0) if status else None, _line_of(text, found))


def _first_address(text: str) -> str | None:
    match = _ADDRESS.search(text)
    return match.group(0) if match else None


def _recipient_in(text: str, msg: Message) -> str | None:
    """The failed address named in an NDR body, never our own address or the daemon's."""
    own = {
        address.lower() for address in _ADDRESS.findall(_header(msg, "to") + _header(msg, "from"))
    }
    for clue in _RECIPIENT_CLUES:
        for match in clue.finditer(text):
            address = _first_address(match.group(1))
            if address and address.lower() not in own and not _BOUNCE_SENDER.search(address):
                return address
    return None


def _line_of(text: str, match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    line = " ".join(text[start : end if end != -1 else len(text)].split())
    return line[:500] or None
