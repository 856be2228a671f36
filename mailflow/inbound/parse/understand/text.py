"""A reply's own text → sentences → clauses → tokens, folded for matching.

Folding keeps every character in place (one character in, one out): lower case, accents
off, ``ł`` → ``l``, so a token's span in the folded text is its span in the original and the
words that decided an interpretation can be quoted as the partner wrote them. Every step is
a single pass over text capped at ``MAX_CHARS`` (and lines at ``MAX_LINE``): no pattern here
can backtrack.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from mailflow.inbound.parse.understand.amounts import MONTH_AFTER

MAX_CHARS = 6_000  # a reply's own text past this is conversation, never a command
MAX_LINE = 400
MAX_SENTENCES = 40
MAX_TOKENS = 80  # per sentence

_EXTRA_FOLDS = {"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "’": "'", "`": "'"}


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)):
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)[:1].lower()
        if len(base) == 1 and base != char and base.isalpha():
            table[code] = base
    for char, folded in _EXTRA_FOLDS.items():
        table[ord(char)] = folded
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower case without accents, one character for one."""
    return text.translate(_FOLD)


# A number with its separators is one token ("12.500,00", "3'500"); a word is letters and
# digits; currency signs are tokens of their own.
_TOKEN = re.compile(r"\d++(?:[.,'’]\d++)*+|[^\W\d_]++|[€$£]")
_PRONOUNS = frozenset({"i", "we", "you", "they", "he", "she", "it", "that", "there", "who"})
_CONTRACTED = {"ll": "will", "re": "are", "ve": "have", "m": "am", "d": "would"}
_NOT_FORMS = {"won": "will", "can": "can", "don": "do", "shan": "shall", "ain": "am"}
CLAUSE_BREAKS = frozenset(",;:()–—/")
# a colon after this few words opening a list item ends a label, not a clause
_LABEL_WORDS = 3
_LIST_MARKS = frozenset("-–•*·")
_NO_CENTS = re.compile(r"^[.,][-–—]{1,2}")  # "4.750,-", "18'500.–": the amount's own dash


@dataclass(frozen=True)
class Token:
    word: str  # folded, contractions spelled out ("won't" → "will", "not")
    start: int  # span in the sentence's text
    end: int
    breaks: bool  # a clause boundary (comma, dash, colon, …) comes right before it


@dataclass(frozen=True)
class Sentence:
    text: str  # as written
    tokens: tuple[Token, ...]
    index: int  # order in the reply
    line: int  # the line (block) of the reply it starts on
    question: bool  # ends with a question mark

    def words(self) -> tuple[str, ...]:
        return tuple(token.word for token in self.tokens)

    def span(self, first: int, last: int) -> str:
        """The original text of tokens first..last (inclusive)."""
        return self.text[self.tokens[first].start : self.tokens[last].end]

    def after(self, index: int) -> str:
        """The original text after token ``index``."""
        return self.text[self.tokens[index].end :] if index < len(self.tokens) else ""


def _pictograph(char: str) -> bool:
    """An emoji between words ends a clause as a full stop would ("Zuschlag erhalten 👍 …")."""
    return char >= "\u2190" and unicodedata.category(char) == "So"


def tokenize(text: str) -> tuple[Token, ...]:
    folded = fold(text)
    listed = folded.lstrip()[:1] in _LIST_MARKS  # "- offerta: inviata il 20/5"
    tokens: list[Token] = []
    previous_end = 0
    for match in _TOKEN.finditer(folded):
        if len(tokens) >= MAX_TOKENS:
            break
        gap = folded[previous_end : match.start()]
        word = match.group()
        if tokens and tokens[-1].word[:1].isdigit():
            gap = _NO_CENTS.sub("", gap, count=1)  # "18'500.– zugestellt": one clause
        breaks = any(char in CLAUSE_BREAKS or _pictograph(char) for char in gap) or " - " in gap
        if (
            breaks
            and gap == "/"
            and tokens
            and (tokens[-1].word[-1:].isdigit() or word[:1].isdigit())
        ):
            breaks = False  # "n. 212/2024", "FV/2024/07", "20/09": a reference or a date
        if breaks and gap.strip() == "/" and tokens and len(tokens[-1].word) == 1:
            breaks = False  # "S/ 36,500", "c/ Mayor": one letter and its slash
        if breaks and len(tokens) <= _LABEL_WORDS and gap.strip() == ":" and listed:
            breaks = False  # "offerta: inviata il 20/5", "Termin vor Ort: noch offen": a label
        if tokens and gap in ("'", "’"):
            prev = tokens[-1]
            if word == "t" and prev.word.endswith("n"):  # don't, won't, can't, isn't
                stem = _NOT_FORMS.get(prev.word, prev.word[:-1])
                tokens[-1] = Token(stem, prev.start, prev.end, prev.breaks)
                word = "not"
            elif word in _CONTRACTED and prev.word in _PRONOUNS:
                word = _CONTRACTED[word]
        tokens.append(Token(word, match.start(), match.end(), breaks))
        previous_end = match.end()
    return _asides_joined(tokens, folded)


_ASIDE = 4  # tokens in brackets this few are an aside inside the clause: "12.480 € (netto)"
_REFERENCE_MARKS = frozenset(".-/:#°")  # "(ref. Q-20417)", "(nr. 2026/118)": one reference


def _asides_joined(tokens: list[Token], folded: str) -> tuple[Token, ...]:
    """ "ein Angebot über 12.480 € (netto) unterbreitet": a short aside in brackets
    does not cut the clause it stands in."""
    for i, token in enumerate(tokens):
        if i == 0 or folded[tokens[i - 1].end : token.start].strip() != "(":
            continue
        for j in range(i + 1, min(i + _ASIDE + 1, len(tokens))):  # an aside at the end joins none
            gap = folded[tokens[j - 1].end : tokens[j].start].strip()
            if gap == ")":
                for k in range(i, j + 1):
                    tokens[k] = Token(tokens[k].word, tokens[k].start, tokens[k].end, False)
                break
            if tokens[j].breaks and not (gap and set(gap) <= _REFERENCE_MARKS):
                break
    return tuple(tokens)


_SENTENCE_END = re.compile(r"(?<![.!?;…])[.!?;…]++(?=\s|$)")
_ABBREVIATION_WORDS = (
    "ca approx appr env aprox circa ok bzw usw etc tel nr no mr mrs dr hr fr st str pkt tys mln"
    " mio tsd mld ggf inkl zzgl evtl mwst ust excl exkl incl sig sr sra dott ing mgr ul pl np tj"
    " itp wzgl bv mw mevr dhr ref réf art nro núm num pos"
    " ca vs sp kr dn dra srta lic licda mme mlle prof dipl bj ms abt rs nos qty pcs"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
# as written: "Maple Leaf Bakery Co. this morning", "VAT inc. VAT", but "gdyby co." ends
_CASED_ABBREVIATIONS = frozenset({"Co", "Ltd", "Inc", "Corp", "inc"})
_LAST_WORD = re.compile(r"(\w{1,12})$")
_QUOTE_OR_FORWARD = re.compile(
    r"^(?:>|-{2,}+\s*+(?:forwarded|original|weitergeleitete|ursprüngliche|message|mensaje"
    r"|messaggio|oorspronkelijk|doorgestuurd|wiadomo|oryginalna)|(?:begin forwarded message"
    r"|début du message réexpédié|inicio del mensaje reenviado)\b)",
    re.IGNORECASE,
)


_HEADER_LINE = re.compile(
    r"^(?:subject|betreff|objet|asunto|oggetto|onderwerp|temat|tytuł|re|aw|wg|fw|fwd|tr|rv|r)\s?:",
    re.IGNORECASE,
)


def sentences(reply: str) -> list[Sentence]:
    """The reply's own sentences: quoted and forwarded parts are not the partner's words."""
    blocks = _blocks(reply[:MAX_CHARS])
    found: list[Sentence] = []
    for line_number, block in enumerate(blocks):
        for piece, question in _split(block):
            tokens = tokenize(piece)
            if tokens:
                found.append(Sentence(piece, tokens, len(found), line_number, question))
            if len(found) >= MAX_SENTENCES:
                return found
    return found


def _blocks(text: str) -> list[str]:
    """Lines, a line that runs on (no closing punctuation, next starts lower case) joined."""
    blocks: list[str] = []
    joinable = False
    for raw in text.replace("\r", "").split("\n"):
        line = raw[:MAX_LINE].strip()
        if not line:
            joinable = False
            continue
        if _HEADER_LINE.match(line):
            joinable = False
            continue  # "Subject: Lead won": the title of a message, not the partner's words
        if _QUOTE_OR_FORWARD.match(line):
            if line.startswith(">"):
                joinable = False
                continue
            break  # a forwarded message: what follows is someone else's
        if joinable and blocks and line[:1].islower():
            blocks[-1] = f"{blocks[-1]} {line}"
        else:
            blocks.append(line)
        joinable = line[-1:].isalnum() or line[-1:] == ","
    return blocks


def _split(block: str) -> list[tuple[str, bool]]:
    pieces: list[tuple[str, bool]] = []
    start = 0
    for match in _SENTENCE_END.finditer(block):
        mark = match.group()
        if mark == ".":
            last = _LAST_WORD.search(block[start : match.start()])
            if last and (
                fold(last.group(1)) in _ABBREVIATIONS
                or last.group(1) in _CASED_ABBREVIATIONS
                or len(last.group(1)) == 1
            ):
                continue  # "ca. 9.300 €", "z.B.", an initial
            after = block[match.end() : match.end() + 24]
            if (
                last
                and last.group(1).isdigit()
                and (after[1:2].islower() or MONTH_AFTER.match(after.lower()))
            ):
                continue  # "am 04.12. vor Ort", "am 4. Dezember": a date or an ordinal
        piece = block[start : match.start()].strip()
        if piece:
            pieces.append((piece, "?" in mark))
        start = match.end()
    rest = block[start:].strip()
    if rest:
        pieces.append((rest, False))
    return pieces


def clause_text(sentence: Sentence, index: int) -> str:
    """The text of the clause (between commas, dashes, …) that token ``index`` stands in."""
    return sentence.text[slice(*clause_span(sentence, index))]


def clause_span(sentence: Sentence, index: int) -> tuple[int, int]:
    """Where the clause of token ``index`` starts and ends in the sentence's text."""
    tokens = sentence.tokens
    first = index
    while first > 0 and not tokens[first].breaks:
        first -= 1
    last = index + 1
    while last < len(tokens) and not tokens[last].breaks:
        last += 1
    end = tokens[last].start if last < len(tokens) else len(sentence.text)
    return tokens[first].start, end
