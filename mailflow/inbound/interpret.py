"""Command interpretation: what a partner's short reply asks for, in English or German.

Partners answer a lead mail with a word or a line: "we'll take it", "nein, zu weit weg",
"won 12.500 €". Only the first few unquoted lines count, because a command is short and sits
at the top; a reply that opens with free text is a note, and interpret() returns None for it.
Everything here is pure and never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

Action = Literal["pick", "decline", "feedback"]
Stage = Literal["contacted", "meeting", "proposal", "won", "lost"]


@dataclass(frozen=True)
class Command:
    action: Action
    stage: Stage | None = None
    amount: Decimal | None = None
    currency: str | None = None  # ISO code: EUR, USD, CHF, GBP
    reason: str | None = None


_COMMAND_LINES = 3  # commands sit in the first lines; deeper down it is conversation
_LINE_CHARS = 300  # a command line is short; this also bounds every pattern's work
_PROSE_WORDS = 8  # an unmatched line this long means the reply is free text
_FLAGS = re.IGNORECASE

_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|hallo|moin|servus|grüezi|grüß gott|guten (?:morgen|tag|abend)"
    r"|good (?:morning|afternoon|evening)|liebe[rs]?|sehr geehrte[rs]?)\b"
    r"(?:\s+[^\s,!:.]+){0,3}\s*(?:[,!:.]+|$)",
    _FLAGS,
)
_INTERJECTION = re.compile(
    r"^(?:ok(?:ay)?|great|super|perfect|prima|perfekt|klasse|alright|alles klar|sehr gut|gut"
    r"|thanks|thank you|danke(?: schön)?|vielen dank|hi|hallo|leider|unfortunately|sadly)\b"
    r"[\s,!.:;-]*",
    _FLAGS,
)
_NEGATION = re.compile(
    r"\b(?:not|no|never|nicht|kein|keine|keinen|nie|noch nicht|didn't|haven't|hasn't|couldn't"
    r"|wasn't|weren't|won't|can't|cannot)\b",
    _FLAGS,
)
_DECLINE = re.compile(
    r"^(?:(?:we|i)\s++)?(?:declined?|ablehnen|abgelehnt|absage)\b"
    r"|^(?:we|i)\s++(?:will\s++|'ll\s++)?(?:decline|pass)\b|^pass(?=\s*+$|\s*+[,.!:;–—-]|\s++on\b)"
    r"|^(?:no|nope)(?=\s*+$|\s*+[,.!:;–—-]|\s++(?:thanks|thank|sorry|interest|we|i)\b)"
    r"|^(?:(?:we|i)(?:'re| are|'m| am)\s++)?not interested\b|^no interest\b|^not for us\b"
    r"|^(?:we|i)\s++(?:can't|cannot|can not|won't|will not|don't|do not|couldn't)\s++"
    r"(?:take|accept|pick|handle|do)\b(?:\s++(?:it|him|her|this|that|them|the lead))?"
    r"|^(?:won't|will not|can't|cannot) (?:take|accept|do)\b(?:\s++(?:it|him|her|this|that))?"
    r"|^not possible\b"
    r"|^(?:(?:unfortunately|sadly|leider) )?(?:not|nicht)(?=\s*+$|\s*+[,.!:;–—-])"
    r"|^nein\b|^kein (?:interesse|bedarf)\b|^nicht interessiert\b|^leider (?:nicht|nein)\b"
    r"|^(?:wir|ich) (?:lehnen|lehne) ab\b|^(?:wir|ich) (?:passen|passe)\b|^passen\b"
    r"|^(?:wir|ich) (?:nehmen|nehme|übernehmen|übernehme)(?: \w+){0,3} nicht\b"
    r"|^(?:wir|ich) (?:können|kann)(?: \w+){0,3} nicht (?:nehmen|übernehmen|annehmen|machen)\b"
    r"|^nicht (?:für uns|machbar|möglich)\b",
    _FLAGS,
)
_PICK = re.compile(
    r"^(?:(?:we|i)(?:'ll| will|'d| would)?(?: like to| gladly)? (?:take|accept|pick)"
    r"|(?:we|i)(?:'re| are|'m| am) in\b|count (?:us|me) in|take(?! care)|picked|pick|accepted"
    r"|accept|(?:angebot|offer|lead) (?:angenommen|accepted)"
    r"|(?:wir|ich) (?:nehmen|nehme|übernehmen|übernehme)|(?:nehmen|übernehmen) (?:wir|ich)"
    r"|machen wir|angenommen|annehmen|übernehmen|nehmen"
    r"|yes|yep|yeah|yup|sure|ja|jawohl|jep|gerne)\b",
    _FLAGS,
)
_STAGES: tuple[tuple[Stage, re.Pattern[str]], ...] = (
    ("lost", re.compile(r"\b(?:closed[ -]lost|lost|verloren|deal fell through)\b", _FLAGS)),
    (
        "won",
        re.compile(
            r"\b(?:closed[ -]won|won(?!['’]t)|deal|gewonnen|sold|verkauft"
            r"|(?:auftrag|zuschlag) (?:erhalten|bekommen|erteilt))\b",
            _FLAGS,
        ),
    ),
    (
        "proposal",
        re.compile(
            r"\b(?:proposal|quoted?|offer sent|sent (?:an? |the )?(?:offer|quote)"
            r"|kostenvoranschlag|angebot (?:geschickt|gesendet|verschickt|erstellt|abgegeben"
            r"|gemacht|raus|unterbreitet))\b"
            # "Angebot: 12.000 €" reports a quote; "Angebot angenommen" accepts our lead.
            r"|^angebot(?=\s*$|\s*[:–-]|\s+\d|\s+(?:über|von|für|in höhe)\b)",
            _FLAGS,
        ),
    ),
    ("meeting", re.compile(r"\b(?:meeting|appointment|site visit|termin|besuch)\w*", _FLAGS)),
    (
        "contacted",
        re.compile(
            r"\b(?:contacted|called|phoned|reached|spoke (?:to|with)|talked to|kontaktiert"
            r"|angerufen|erreicht|telefoniert|gesprochen)\b",
            _FLAGS,
        ),
    ),
)
_SIGN_OFF = re.compile(
    r"^(?:thanks|thank you|cheers|best|regards|kind regards|danke|grüße|gruß|viele grüße"
    r"|beste grüße|mfg|lg|vg|mit freundlichen grüßen)\b",
    _FLAGS,
)
_REASON_LEAD = re.compile(
    r"^(?:[\s,.:;!–—-]++|because\b|since\b|as\b|weil\b|da\b|denn\b|thanks\b|thank you\b"
    r"|danke\b|sorry\b|leider\b|unfortunately\b)+",
    _FLAGS,
)
_DECORATION = re.compile(r"[^\w\s.,:;!?'€$£%/()+&-]")
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!;]")
# Negative words that still say yes.
_POSITIVE_IDIOM = re.compile(r"\b(?:no problem|no worries|not a problem|kein problem)\b", _FLAGS)


def interpret(reply_text: str) -> Command | None:
    """The command at the top of a reply, or None when the reply is free text (a note)."""
    lines = _command_lines(reply_text)
    for number, line in enumerate(lines[:_COMMAND_LINES]):
        following = lines[number + 1] if number + 1 < len(lines) else None
        command = _line_command(line, following)
        if command is not None:
            return command
        if len(line.split()) >= _PROSE_WORDS:
            return None  # free text comes first: whatever follows is conversation
    return None


def _command_lines(text: str) -> list[str]:
    """The first unquoted, non-empty lines, with greetings and emoji taken off."""
    lines: list[str] = []
    for raw in (text or "").replace("\x00", "").splitlines()[:200]:
        line = raw[:_LINE_CHARS].strip()
        if not line or line.startswith(">"):
            continue
        line = _clean(line)
        greeting = _GREETING.match(line)
        if greeting:
            line = line[greeting.end() :].strip()
        if line:
            lines.append(line)
        if len(lines) > _COMMAND_LINES:
            break
    return lines


def _clean(line: str) -> str:
    """Uniform apostrophes; bullets, emoji and decoration removed, but not currency signs."""
    line = line.replace("’", "'").replace("`", "'")
    line = _DECORATION.sub(" ", line)
    return _SPACES.sub(" ", line).strip(" -*•·.,:;!")


def _line_command(line: str, following: str | None) -> Command | None:
    head = _INTERJECTION.sub("", line, count=1) or line
    decline = _DECLINE.match(head)
    if decline:
        return Command("decline", reason=_reason(head[decline.end() :], following))
    stage = _stage(head, following)
    if stage is not None:
        return stage if stage.stage != "lost" else _lost(head, following)
    pick = _PICK.match(head)
    if pick and _is_short_tail(head[pick.end() :]) and "?" not in head:
        return Command("pick")
    return None


def _stage(line: str, following: str | None) -> Command | None:
    """Pipeline feedback; a negated stage ("noch kein Termin") is a statement, not feedback."""
    if len(line.split()) > 15:
        return None
    found: list[tuple[Stage, re.Match[str]]] = []
    for stage, pattern in _STAGES:
        match = pattern.search(line)
        if match and not _NEGATION.search(line[max(0, match.start() - 25) : match.start()]):
            found.append((stage, match))
    if not found:
        return None
    stage, match = found[0]  # _STAGES runs from lost/won down: the furthest stage wins
    if stage in ("won", "proposal"):
        amount = parse_amount(line[match.start() :]) or parse_amount(line)
        if amount is None and following and len(following.split()) <= 4:
            amount = parse_amount(following)  # "Gewonnen" with "12.500 €" on the next line
        return Command("feedback", stage, *(amount or (None, None)))
    return Command("feedback", stage)


def _lost(line: str, following: str | None) -> Command:
    match = _STAGES[0][1].search(line)
    tail = line[match.end() :] if match else ""
    return Command("feedback", "lost", reason=_reason(tail, following))


def _reason(tail: str, following: str | None) -> str | None:
    """The rest of the command line, else the next line unless it is a sign-off or a command."""
    reason = _REASON_LEAD.sub("", tail).strip(" .!")
    if not reason and following and not _is_command_or_sign_off(following):
        reason = following.strip(" .!")
    return reason[:500] or None


def _is_command_or_sign_off(line: str) -> bool:
    return bool(_SIGN_OFF.match(line) or _DECLINE.match(line) or _PICK.match(line))


def _is_short_tail(tail: str) -> bool:
    """ "Yes, we'll take it. Call you later." is a pick; "yes, but only if …" is not."""
    first_sentence = _POSITIVE_IDIOM.sub("", _SENTENCE_END.split(tail, maxsplit=1)[0])
    return len(first_sentence.split()) <= 6 and not _NEGATION.search(first_sentence)


# --- amounts --------------------------------------------------------------------------------

_CURRENCY = (
    r"€|\$|£|us\$|eur(?:os?)?\b|usd\b|dollars?\b|chf\b|sfr\b\.?|fr\.|franken\b|gbp\b|pounds?\b"
)
_NUMBER = r"\d{1,3}(?:[.,'’ \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d{1,15}(?:[.,]\d{1,6})?"
_SUFFIX = r"k\b|tsd\b\.?|tausend\b|thousand\b|mio\b\.?|mn\b|million(?:en|s)?\b|m\b"
# Read on lower-cased text (see parse_amount): without IGNORECASE the currency and suffix
# alternatives are skipped at a glance wherever their first letter is not there.
_AMOUNT = re.compile(
    rf"(?:(?P<pre>{_CURRENCY})\s?|(?<![\w.,'’/:-]))(?P<num>{_NUMBER})(?![\d])"
    rf"(?:\s?(?P<suffix>{_SUFFIX}))?(?:\s?(?P<post>{_CURRENCY}))?(?![^\W\d_])"
)
# Each currency token above starts with one of these.
_ISO_BY_PREFIX = (
    ("€", "EUR"),
    ("eur", "EUR"),
    ("$", "USD"),
    ("us", "USD"),
    ("dollar", "USD"),
    ("chf", "CHF"),
    ("sfr", "CHF"),
    ("fr", "CHF"),
    ("£", "GBP"),
    ("gbp", "GBP"),
    ("pound", "GBP"),
)
_MAX_AMOUNT_TEXT = 10_000


def parse_amount(text: str) -> tuple[Decimal, str | None] | None:
    """The first money amount in text and its ISO currency (None when none is named).

    A figure with a currency beats one with a k/Mio suffix, which beats a bare number;
    dates and times are never amounts.
    """
    best: tuple[int, Decimal, str | None] | None = None
    text = (text or "")[:_MAX_AMOUNT_TEXT].lower()
    for match in _AMOUNT.finditer(text):
        if _is_date_or_time(match, text):
            continue
        value = _amount_value(match)
        if value is None:
            continue
        currency = _iso(match.group("pre") or match.group("post"))
        rank = 0 if currency else 1 if match.group("suffix") else 2
        if best is None or rank < best[0]:
            best = (rank, value, currency)
        if rank == 0:
            break
    return (best[1], best[2]) if best else None


def _is_date_or_time(match: re.Match[str], text: str) -> bool:
    if match.group("pre") or match.group("post") or match.group("suffix"):
        return False
    after = text[match.end("num") : match.end("num") + 2]
    number = match.group("num")
    if after[:1] in ("-", "/") and after[1:2].isdigit():
        return True  # 2026-03-12, 12/03
    return after.startswith((":", "%", "h")) or (after.startswith(".") and "." in number)


def _amount_value(match: re.Match[str]) -> Decimal | None:
    try:
        value = _to_decimal(match.group("num"))
    except (InvalidOperation, ValueError):
        return None
    suffix = (match.group("suffix") or "").lower()
    if suffix:
        value = value * (1000 if suffix[0] in "kt" else 1_000_000)  # k/tsd/thousand or m/mio
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    return value


def _to_decimal(raw: str) -> Decimal:
    """Decide decimal vs thousands separators: one separator before exactly 3 digits groups."""
    separators = [(index, char) for index, char in enumerate(raw) if not char.isdigit()]
    if not separators:
        return Decimal(raw)
    last_index, last_char = separators[-1]
    decimals = len(raw) - last_index - 1
    if len(separators) == 1:
        is_decimal = last_char in ".," and decimals != 3
    else:
        is_decimal = last_char in ".," and last_char != separators[-2][1] and decimals <= 2
    if not is_decimal:
        return Decimal("".join(char for char in raw if char.isdigit()))
    whole = "".join(char for char in raw[:last_index] if char.isdigit()) or "0"
    return Decimal(f"{whole}.{raw[last_index + 1 :]}")


def _iso(token: str | None) -> str | None:
    token = (token or "").lower()
    return next((iso for prefix, iso in _ISO_BY_PREFIX if token.startswith(prefix)), None)
