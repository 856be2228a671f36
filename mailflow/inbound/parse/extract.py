"""Reply text extraction: keep what the partner wrote, drop the quoted original and signature.

Mail clients mark the quoted original in several ways: an attribution line ("On … wrote:",
"Am … schrieb …:"), an Outlook header block (From:/Sent:/To:), a divider line
("-----Original Message-----") or `>` prefixes. We walk the lines once, drop every quoted
block, cut at the first unquoted original, then trim the signature at the end.
Everything here is pure and never raises: the worst input gives back an empty string.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from mailflow.inbound.parse.signoffs import MOBILE_SIGNATURE, is_closing, is_name_block

# Patterns only ever look at this many characters of a line, so a 100 KB line costs no more
# than a short one and no pattern can backtrack over a huge input.
_PROBE = 500
# A client wraps a long attribution line over at most this many lines (blank ones included).
_JOIN_LINES = 6
_JOIN_CHARS = 400
# Clients wrap quoted text near 72-78 columns; a quoted line shorter than this was not wrapped.
_WRAP_WIDTH = 60
# A reply to a lead is never this long; past it we keep the head and spare the CPU.
_MAX_LINES = 20_000

_LATIN_VERBS = (
    r"wrote|writes|has written|schrieb|geschrieben|a [ée]crit|[ée]crit|escribi[óo]|ha escrito"
    r"|escreveu|ha scritto|scrisse|schreef|geschreven|napisa[łl](?:\(a\)|a)?|pisze|skrev|skrivit"
    r"|kirjoitti|napsal(?:\(a\)|a)?|написал(?:\(а\)|а)?|пише|писал|написав|írta|yazdı|έγραψε"
    r"|a scris|rašė|rakstīja|kirjutas|napisao|כתב|كتب"
)
_VERB = rf"(?:(?<!\w)(?:{_LATIN_VERBS})(?!\w)|写道|寫道)"
# The verb patterns read lower-cased text (see _has_verb) instead of matching with IGNORECASE:
# a case-blind alternation is tried branch by branch at every position, several times slower.
_ENDS_WITH_VERB = re.compile(rf"{_VERB}\s*+:?\s*+-*+$")
_HAS_VERB = re.compile(_VERB)
# "X schrieb am 02.03.2026 10:15:", "X wrote on 2 March:" (Lotus Notes and some webmailers).
_VERB_THEN_DATE = re.compile(rf"{_VERB}\s++(?:\w{{1,3}}\.?\s++)?\S{{0,12}}\d")
# "On Tue, …", "Am 01.01.2024 …", "W dniu …", "tir. 18. apr. …": a short word, a date soon after.
_LEAD = re.compile(r"^(?:\d|(?:[^\W\d_]{1,12}[.,]?\s++){1,3}\S{0,12}\d)")
_EXPLICIT_LEAD = re.compile(
    r"^(?:on|am|le|el|il|op|em|den|w dniu|dnia|in data|il giorno)\s++\S{0,12}\d", re.IGNORECASE
)
_ADDRESS_CHARS = re.compile(r"[@<>]")
_DIGIT_OR_AT = re.compile(r"[\d@]")
_NUMERIC_DATE = re.compile(r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})\b")
_TIME_OR_YEAR = re.compile(r"\d{1,2}[:.h]\d{2}|\b(?:19|20)\d{2}\b")

_FROM_KEYS = (
    r"from|von|de|da|van|fra|från|od|lähettäjä|от|feladó|kimden|remitente|mittente|afzender"
    r"|avsändare|afsender|absender|expéditeur|de la|发件人|寄件者"
)
_OTHER_KEYS = (
    r"sent|date|to|cc|bcc|subject|reply-to|gesendet|datum|an|betreff|kopie|envoyé(?: le)?|à|a"
    r"|objet|sujet|copie à|message du|enviado(?: el)?|enviada(?: em)?|fecha|para|asunto|inviato"
    r"|data|oggetto|risposta|verzonden|aan|onderwerp|sendt|dato|til|emne|skickat|till|ämne"
    r"|wysłano|wysłane|do|temat|lähetetty|vastaanottaja|aihe|отправлено|кому|тема|дата"
    r"|répondre à|antwort an|responder a|rispondi a|antwoord aan|odpowiedź do|dw|udw"
    r"|elküldve|címzett|tárgy|tarih|kime|konu|assunto|importance|wichtigkeit|发送时间|收件人|主题"
)
_FIELD = re.compile(
    rf"^\s*+\*{{0,2}}+(?:({_FROM_KEYS})|{_OTHER_KEYS})\*{{0,2}}+\s*+:", re.IGNORECASE
)

_DIVIDER_PHRASES = (
    r"original message|original-nachricht|ursprüngliche nachricht|message d['’]origine"
    r"|message original|mensaje original|mensagem original|messaggio originale"
    r"|oorspronkelijk bericht|origineel bericht|originalmeddelande|ursprungligt meddelande"
    r"|oprindelig besked|opprinnelig melding|oryginalna wiadomość|wiadomość oryginalna"
    r"|alkuperäinen viesti|исходное сообщение|eredeti üzenet|původní zpráva|reply message"
    r"|forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado"
    r"|messaggio inoltrato|doorgestuurd bericht|vidarebefordrat meddelande|videresendt melding"
    r"|przekazana wiadomość|wiadomość przekazana|początek przekazywanej wiadomości"
    r"|пересылаемое сообщение|begin forwarded message"
    r"|anfang der weitergeleiteten nachricht|début du message (?:réexpédié|transféré)"
    r"|inizio messaggio inoltrato|(?:comienzo|inicio) del mensaje reenviado"
    r"|begin doorgestuurd bericht"
)
# The phrase alone, or dashes around it and more words ("---- Original Message from X ----":
# at most 40 characters between the runs of two or more dashes; a line of four dashes or more).
# Every run is taken whole (possessive), so a long line of dashes is read once.
_DIVIDER = re.compile(
    rf"^[-_*\s]*+(?:{_DIVIDER_PHRASES})\s*+:?[-_*\s]*+$"
    r"|^\s*+(?:-{4,}+|-{2,}+[^\n]{0,39}?[^-\n]-{2,}+)\s*+$",
    re.IGNORECASE,
)
_DIVIDER_WORDS = re.compile(rf"(?:{_DIVIDER_PHRASES})")  # on lower-cased text, like _HAS_VERB

# "ᐧ" is the lone dot some Gmail tracking add-ons append below the reply.
_DELIMITER = re.compile(r"[-_=*~#+—–‐‑‒―−᐀•·ᐧ]{2,}|[—–―᐀•·ᐧ]")
_HARD_SIGNATURE = re.compile(r"(?:--|—|–|―)\s*+")
_LINK_NOISE = re.compile(
    r"<[^<>\s]{0,300}>|\((?:https?|mailto):[^()\s]{0,300}\)|https?://\S{0,300}"
)
_VALEDICTION = re.compile(
    r"^[/\s]*+(?:best(?: regards| wishes)?|kind regards|warm regards|regards|cheers|many thanks"
    r"|thanks(?: and regards)?|thank you|(?:yours )?sincerely|yours (?:truly|faithfully)"
    r"|all the best|take care|mit freundlichen grüßen|mit freundlichem gruß|freundliche grüße"
    r"|(?:viele|beste|liebe|herzliche|schöne) grüße|gruß|grüße|lg|vg|mfg|danke|vielen dank"
    r"|(?:bien )?cordialement|bien à vous|(?:meilleures )?salutations|merci|saludos(?: cordiales)?"
    r"|un saludo|atentamente|gracias|(?:cordiali|distinti) saluti|saluti|grazie"
    r"|met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|groeten|mvg|pozdrawiam"
    r"|z poważaniem|atenciosamente|cumprimentos|med vänlig hälsning|vänliga hälsningar|mvh"
    r"|med venlig hilsen|vennlig hilsen|hilsen)(?:\s*+/\s*.{1,40})?\s*+[,.!]*+$",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"(?:\+|\b(?:tel|fon|phone|mobil|mob|fax|cell)\b\.?:?)\s*+\(?\d[\d\s()/.-]{5,}"
    # an address: tried once per word (from its first "@"), not again from every "@" in it
    r"|\bwww\.|https?://|(?<!\S)\S[^\s@]*+@\S+?\.\w"
    r"|\b(?:GmbH|AG|KG|UG|Ltd|Inc|LLC|B\.V\.|SARL|S\.r\.l\.|HRB)\b",
    re.IGNORECASE,
)
_PROSE = re.compile(r"^(?:\S++\s++){5,}\S+[.!?]$")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")
_DATE_OR_ADDRESS = re.compile(r"[\d@<]")
# "… Name <x@y>:" at the end: a word with an "@", tried once from the word's start.
_ENDS_WITH_ADDRESS = re.compile(r"(?<![^\s<>])[^\s<>@]*+@[^\s<>]++>?:?$")


def extract_reply(text: str, *, keep_closing: bool = False) -> str:
    """The new text of a plain-text reply: quoted original, signature and delimiters removed.

    The closing ("Viele Grüße\nPetra", "Cordialement") goes too, unless keep_closing: then a
    closing stays when only a name follows it (the convention of the trimmer corpus).
    """
    if not text:
        return ""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n", _MAX_LINES)[:_MAX_LINES]
    kept = _drop_quoted(lines, [_probe(line) for line in lines], _code_fences(lines))
    return "\n".join(_trim_signature(kept, keep_closing)).strip()


def relayed(text: str) -> bool:
    """The reply opens with someone else's message: a forward marker, a header block or an
    attribution line with nothing of the partner's own above it. ``extract_reply`` keeps such
    a body (it may be all there is), but its words may be the customer's or our own offer's,
    never a command the partner gave: a reading of them is asked about, not acted on."""
    if not text:
        return False
    probes = _head_probes(text)
    first = next((i for i, p in enumerate(probes) if p and not _is_delimiter(p)), None)
    if first is None:
        return False
    end = _marker_end(probes, first)
    if end is None:
        return False
    after = _next_nonblank(probes, end)
    return after is not None and not probes[after].startswith(">")


def answers_inline(text: str) -> bool:
    """The partner typed answers between the quoted lines of our mail ("> Haben Sie den
    Kunden kontaktiert?\nJa, kurz telefoniert.\n> Termin?\nNein"): a bare yes or no there
    answers the quoted question, it takes or turns down nothing."""
    if not text:
        return False
    answered = 0
    asked = False  # the last quoted line asked something
    for probe in _head_probes(text):
        if not probe:
            continue
        if probe.startswith(">"):
            asked = probe.rstrip().endswith("?")
        elif asked:
            answered += 1
            asked = False
    return answered >= 2


def _head_probes(text: str) -> list[str]:
    """The probes of the first 400 lines: what ``relayed`` and ``answers_inline`` look at."""
    lines = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").split("\n", 400)
    return [_probe(line) for line in lines[:400]]


def relayed_html(html: str) -> bool:
    """:func:`relayed` for an HTML-only reply, read as ``extract_reply_from_html`` reads it."""
    return bool(html) and relayed(_render(html, reply_only=True))


def _probe(line: str) -> str:
    return line[:_PROBE].replace("\xa0", " ").strip()


def _code_fences(lines: list[str]) -> list[bool]:
    """Lines inside closed ``` fences are code: they never count as quotes or signatures."""
    fenced = [False] * len(lines)
    opening: int | None = None
    for index, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            if opening is None:
                opening = index
            else:
                fenced[opening : index + 1] = [True] * (index + 1 - opening)
                opening = None
    return fenced


def _drop_quoted(lines: list[str], probes: list[str], fenced: list[bool]) -> list[tuple[str, bool]]:
    """The lines that are not quoted original, each with whether it is inside a code fence."""
    kept: list[tuple[str, bool]] = []
    has_text = False
    index = 0
    while index < len(lines):
        if fenced[index]:
            kept.append((lines[index], True))
            index += 1
            continue
        end = _marker_end(probes, index)
        if end is not None:
            after = _next_nonblank(probes, end)
            if after is not None and probes[after].startswith(">"):
                # An attributed `>` block: drop it, text below it is new (bottom or inline posting).
                index = _quote_block_end(probes, after)
                continue
            if has_text:
                break  # top-posting: the rest is the unquoted original (Outlook style)
            index = end  # nothing new above: a forward or an unmarked bottom-post; keep the body
            continue
        if probes[index].startswith(">"):
            index = _quote_block_end(probes, index)
            continue
        kept.append((lines[index], False))
        has_text = has_text or bool(probes[index] and not _is_delimiter(probes[index]))
        index += 1
    return kept


def _next_nonblank(probes: list[str], start: int) -> int | None:
    for index in range(start, min(len(probes), start + 50)):
        if probes[index]:
            return index
    return None


def _quote_block_end(probes: list[str], start: int) -> int:
    """Index after a `>` block, including lines a client broke off a long quoted line."""
    index = start
    while index < len(probes):
        if not probes[index] or probes[index].startswith(">"):
            index += 1
            continue
        gap = index
        while gap < len(probes) and gap - index < 2 and probes[gap] and probes[gap][0] != ">":
            gap += 1
        if index > start and _is_broken_wrap(probes[index - 1], probes[gap : gap + 1]):
            index = gap
            continue
        break
    return index


def _is_broken_wrap(quoted_above: str, below: list[str]) -> bool:
    """An unquoted line between two quoted ones, below a quoted line long enough to wrap.

    A short quoted question followed by an unquoted line is an inline answer instead.
    """
    return len(quoted_above) >= _WRAP_WIDTH and bool(below) and below[0].startswith(">")


def _marker_end(probes: list[str], index: int) -> int | None:
    """If quoted original starts at this line, the index just after its marker lines."""
    probe = probes[index]
    if not probe or probe.startswith(">"):
        return None
    if _DIVIDER.match(probe) and _DIVIDER_WORDS.search(probe.lower()):
        return _field_block_end(probes, _next_nonblank(probes, index + 1) or index + 1, index + 1)
    if _FIELD.match(probe):
        end = _field_block_end(probes, index, index)
        return end if end > index else None
    return _attribution_end(probes, index)


def _field_block_end(probes: list[str], start: int, default: int) -> int:
    """End of an Outlook header block (From/Sent/To/Subject) at start, else default."""
    fields, has_from, index = 0, False, start
    while index < len(probes) and index - start < 12 and probes[index]:
        match = _FIELD.match(probes[index])
        if match:
            fields += 1
            has_from = has_from or match.group(1) is not None
        index += 1
    return index if fields >= 2 and has_from else default


def _attribution_end(probes: list[str], start: int, nested: bool = False) -> int | None:
    """End of an "On … wrote:" line, which clients may wrap over a few lines."""
    first = _normalize_header(probes[start])
    if not (_LEAD.match(first) or ("@" in first and _has_verb(first))):
        # Only a line that opens like a header ("On <date>", "Name <x@y> schrieb am") may wrap.
        return start + 1 if _is_attribution(first) or _is_dated_sender(first) else None
    fallback: int | None = None
    parts: list[tuple[int, str]] = []
    after_blank = False
    for index in range(start, min(len(probes), start + _JOIN_LINES)):
        part = _normalize_header(probes[index])
        if not part:
            after_blank = True
            continue
        if parts and not _continues(parts[-1][1], part, after_blank):
            break
        parts.append((index, part))
        if not _may_end_header(part):
            continue
        candidate = " ".join(text for _, text in parts)[:_JOIN_CHARS]
        if _is_attribution(candidate):
            return None if _has_inner_start(probes, parts, nested) else index + 1
        if fallback is None and _is_dated_sender(candidate):
            fallback = None if _has_inner_start(probes, parts, nested) else index + 1
    return fallback


def _may_end_header(part: str) -> bool:
    """Cheap filter: only a line like these can be the last line of a header."""
    return part[-1] in ":>-" or "@" in part or "GMT" in part or _has_verb(part)


def _has_inner_start(probes: list[str], parts: list[tuple[int, str]], nested: bool) -> bool:
    """Does a header start on a later line? Then the first line ("Won 12,500 EUR") is reply text."""
    if nested:
        return False
    return any(
        _starts_own_header(probes, index, parts[number - 1][1], part)
        for number, (index, part) in enumerate(parts)
        if number
    )


def _continues(previous: str, part: str, after_blank: bool) -> bool:
    """Could part be the wrapped rest of the header line previous?"""
    if _ends_sentence(previous) or (part.startswith(">") and len(part) > 12):
        return False
    # Some clients break "<address>" onto its own line after an empty one; nothing else does.
    return not after_blank or part.startswith(("<", "(", "mailto:")) or len(part) <= 12


def _starts_own_header(probes: list[str], index: int, previous: str, part: str) -> bool:
    if previous.endswith((",", "<", "(", "-")):
        return False  # the previous line is visibly unfinished
    first_token = part.split()[0]
    if _ADDRESS_CHARS.search(first_token) or not _DIGIT_OR_AT.search(part):
        return False  # "info@x.org> wrote:" or "a écrit :" finish a header, they don't start one
    named = "@" in part and _has_verb(part)  # "Name <x@y> schrieb am Mo., 2."
    if named or _EXPLICIT_LEAD.match(part) or _NUMERIC_DATE.match(part):
        return _attribution_end(probes, index, nested=True) is not None
    return _is_attribution(part)


def _ends_sentence(part: str) -> bool:
    """True for "…let you know then." but not for "schrieb am Fr., 28." or "Le 4 janv."."""
    last = part.split()[-1]
    if last.endswith(("!", "?", "...", "…")):
        return True
    return last.endswith(".") and last.rstrip(".").isalpha() and len(last.rstrip(".")) >= 5


def _normalize_header(text: str) -> str:
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("：", ":")
    return _SPACES.sub(" ", text.strip("*_ "))


def _has_verb(text: str) -> bool:
    return bool(_HAS_VERB.search(text.lower()))


def _is_attribution(text: str) -> bool:
    text = text.strip("- ")
    lower = text.lower()
    if _ENDS_WITH_VERB.search(lower):
        # Without a date or address only a short "Bob wrote:" with its colon is a header.
        return bool(_DATE_OR_ADDRESS.search(text)) or (
            text.endswith(":") and len(text.split()) <= 6
        )
    if not text.endswith(":") or len(text) > 300:
        return False
    led = bool(_LEAD.match(text) or _VERB_THEN_DATE.search(lower)) or "@" in text
    if _HAS_VERB.search(lower):
        return led
    return "@" in text and bool(_TIME_OR_YEAR.search(text))


def _is_dated_sender(text: str) -> bool:
    """Old Gmail style without a verb: "2016-03-03 17:21 GMT+01:00 Name <x@y>"."""
    if not _NUMERIC_DATE.match(text) or len(text) > 200:
        return False
    return "GMT" in text or bool(_ENDS_WITH_ADDRESS.search(text))


def _is_delimiter(line: str) -> bool:
    return bool(_DELIMITER.fullmatch(_SPACES.sub("", line[:_PROBE])))


def _is_mobile_signature(line: str) -> bool:
    probe = _probe(line)
    if len(probe) > 200:
        return False
    cleaned = _LINK_NOISE.sub("", probe).replace("[", "").replace("]", "").strip()
    return 0 < len(cleaned) <= 90 and bool(MOBILE_SIGNATURE.match(cleaned))


def _trim_signature(kept: list[tuple[str, bool]], keep_closing: bool) -> list[str]:
    lines = [line for line, _ in kept]
    code = [is_code for _, is_code in kept]
    for index, line in enumerate(lines):
        if not code[index] and (
            _HARD_SIGNATURE.fullmatch(line.strip()) or _is_mobile_signature(line)
        ):
            del lines[index:], code[index:]
            break
    # A few passes: a delimiter may sit above a sign-off block, which sits above a trailing rule.
    for _ in range(5):
        before = len(lines)
        while lines and not code[-1] and (not _probe(lines[-1]) or _is_delimiter(lines[-1])):
            del lines[-1], code[-1]
        cut = _signature_cut(lines, code, keep_closing)
        if cut is not None:
            del lines[cut:], code[cut:]
        if len(lines) == before:
            break
    return lines


def _signature_cut(lines: list[str], code: list[bool], keep_closing: bool) -> int | None:
    """Start of a trailing signature block: below a delimiter, a closing with only a name or
    signature below it, or (keep_closing) a sign-off with contact lines."""
    for index in range(len(lines) - 1, max(-1, len(lines) - 30), -1):
        if code[index]:
            return None
        probe = _probe(lines[index])
        if not probe:
            continue
        tail = [_probe(line) for line in lines[index + 1 :] if _probe(line)]
        if _is_delimiter(lines[index]) and _looks_like_signature(tail, needs_contact=True):
            return index
        if not keep_closing and is_closing(probe) and _has_text_above(lines, index):
            # Real text below a closing ("Gruß\nPetra\nDer Kunde will verschieben") stays.
            return index if _is_closing_block(tail) else None
        # "Best regards,\nJohn" stays (it is part of what they wrote); a block below it goes.
        if _VALEDICTION.match(probe) and len(tail) >= 2 and _has_text_above(lines, index):
            return index if _looks_like_signature(tail) else None
    return None


def _is_closing_block(tail: list[str]) -> bool:
    """Below a closing: nothing, a name block, or a signature with contact details."""
    return not tail or is_name_block(tail) or _looks_like_signature(tail, needs_contact=True)


def _looks_like_signature(tail: list[str], needs_contact: bool = False) -> bool:
    """Short name/title/contact lines; prose is let through only next to contact details."""
    if not 1 <= len(tail) <= 20:
        return False
    if any(_CONTACT.search(line) for line in tail):
        return True
    if needs_contact:
        return False
    return len(tail) <= 8 and all(len(line) <= 80 and not _PROSE.match(line) for line in tail)


def _has_text_above(lines: list[str], index: int) -> bool:
    return any(_probe(line) and not _is_delimiter(line) for line in lines[:index])


# --- HTML -----------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "tr", "li", "ul", "ol", "table", "tbody", "thead", "tfoot", "h1", "h2"}
    | {"h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "section", "article", "header"}
    | {"footer", "dl", "dt", "dd", "center", "address", "form", "fieldset", "figure"}
)
# Not "head": an unclosed <head> would hide the whole body.
_HIDDEN_TAGS = frozenset({"script", "style", "title", "template", "noscript", "xml"})
_QUOTE_CLASSES = (
    "gmail_quote",
    "gmail_attr",
    "moz-cite-prefix",
    "yahoo_quoted",
    "protonmail_quote",
)
_SIGNATURE_MARKS = ("gmail_signature", "moz-signature", "signature")
# Outlook puts the original after these as siblings, not inside them: everything after goes.
_CUT_IDS = ("divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container")


class _TextBuilder(HTMLParser):
    """Streams HTML into text; in reply mode it drops quotes and stops at Outlook's divider."""

    def __init__(self, reply_only: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.reply_only = reply_only
        self.out: list[str] = []
        self.skip_tag: str | None = None
        self.skip_depth = 0
        self.stopped = False
        self.quote_depth = 0
        self.pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stopped:
            return
        if self.skip_tag is not None:
            self.skip_depth += tag == self.skip_tag
            return
        marks = " ".join(f"{key}={value or ''}" for key, value in attrs if key in ("id", "class"))
        marks = marks.lower()
        if self.reply_only and any(mark in marks for mark in _CUT_IDS):
            self.stopped = True
        elif tag in _HIDDEN_TAGS or (self.reply_only and self._is_dropped(tag, marks)):
            self.skip_tag, self.skip_depth = tag, 1
        else:
            self._open(tag)

    def _is_dropped(self, tag: str, marks: str) -> bool:
        if tag == "blockquote":
            return True
        return any(mark in marks for mark in _QUOTE_CLASSES + _SIGNATURE_MARKS)

    def _open(self, tag: str) -> None:
        if tag == "br":
            self._newline(force=True)  # <div><br></div> is how clients write an empty line
        elif tag in _BLOCK_TAGS:
            self._newline()
        if tag == "hr":
            self._write("_" * 32)
            self._newline()
        elif tag == "li":
            self._write("- ")
        self.quote_depth += tag == "blockquote"
        self.pre_depth += tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        if self.stopped:
            return
        if self.skip_tag is not None:
            self.skip_depth -= tag == self.skip_tag
            if self.skip_depth <= 0:
                self.skip_tag = None
            return
        if tag in _BLOCK_TAGS:
            self._newline()
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.stopped or self.skip_tag is not None:
            return
        if self.pre_depth:
            for number, piece in enumerate(data.split("\n")):
                if number:
                    self._newline(force=True)
                self._write(piece)
            return
        if "\xa0" in data and not data.strip() and self._at_line_start():
            self._newline(force=True)  # Outlook's <p>&nbsp;</p> is an empty line
            return
        self._write(_SPACES.sub(" ", data))

    def _at_line_start(self) -> bool:
        return not self.out or self.out[-1].endswith("\n")

    def _write(self, text: str) -> None:
        if self._at_line_start():
            text = text if self.pre_depth else text.lstrip(" ")
            if not text:
                return
            text = "> " * self.quote_depth + text
        self.out.append(text)

    def _newline(self, force: bool = False) -> None:
        if force or not self._at_line_start():
            self.out.append("\n")


# CPython's html.parser rescans the rest of the document for every "<" that never closes
# into a tag, which is quadratic; escaping those first keeps parsing linear.
_UNCLOSED_LT = re.compile(r"<(?![^<>]{0,4000}>)")


def _render(html: str, reply_only: bool) -> str:
    builder = _TextBuilder(reply_only)
    try:
        builder.feed(_UNCLOSED_LT.sub("&lt;", html.replace("\x00", "")))
        builder.close()
    except Exception:  # html.parser is lenient, but a fuzzed input must never escape as an error
        pass
    text = "".join(builder.out)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def html_to_text(html: str) -> str:
    """Plain text of an HTML body; blockquotes become `>` lines, scripts and styles vanish."""
    return _render(html, reply_only=False) if html else ""


def extract_reply_from_html(html: str, *, keep_closing: bool = False) -> str:
    """The new text of an HTML-only reply: quote containers and Outlook's original dropped."""
    if not html:
        return ""
    return extract_reply(_render(html, reply_only=True), keep_closing=keep_closing)
