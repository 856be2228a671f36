"""Which amount a won or proposal report names, also when its words name more than one.

"Knocked it down from £15,200 to £14,000", "bei 27.900 € gelandet (Angebot war 29.400 €)",
"alla fine 21.500 €, partivamo da 22.800 €": the report's figure is one a word of the end
stands right before ("to", "auf", "à", "na"), never one a word of an earlier price stands
before ("from", "initial", "instead of"), nor one in brackets beside one outside them; then
the one in the report's own clause, then one after its words. Figures are looked for in the
report's sentence, else in the next one when the report stands alone ("Closed it! $9,800
for the job") or that sentence is short, else in a short one before. A figure that stays
unsure (two left, only an earlier one, or none while the reply names money elsewhere before
its sign-off) makes the report one to ask about, never one to act on with a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from mailflow.inbound.parse.understand.amounts import Amount, Found, find_amounts
from mailflow.inbound.parse.understand.phrases import Hit
from mailflow.inbound.parse.understand.reading import Reading, Signal, clauses
from mailflow.inbound.parse.understand.text import Sentence, clause_span

BARE = 2  # the rank of a figure without currency or k/Mio (see amounts.Found)
EARLIER_BEFORE = 2  # tokens between "from", "initial" and the figure they name
FINAL_BEFORE = 1  # tokens between "to", "auf" and the figure they name
OURS_BEFORE = 4  # tokens between "our quote", "Nasza oferta" and the figure they name
_NEAR = 8  # a sentence this short beside the report is the report's
_ALONE = 6  # a report this short ("Signé !") lends its figure to the next sentence
# right after a figure: a price by the piece, the person or the period ("$1,290 each",
# "je 450 €", "£29/user per month", "180 € a postazione", "29 zł miesięcznie"), never the deal's
_UNIT_WORDS = (
    "licence license seat user unit piece panel module head person desk device month year"
    " week day hour night visit room m2 m² sqm stück lizenz platz arbeitsplatz nutzer benutzer"
    " monat jahr woche tag stunde gerät modul poste utilisateur personne mois an année"
    " semaine jour heure appareil unidad licencia usuario puesto persona mes año semana día"
    " hora equipo licenza utente postazione mese anno settimana giorno ora pezzo stuk"
    " licentie gebruiker werkplek persoon maand jaar dag uur apparaat sztukę sztuka licencję"
    " użytkownika stanowisko osobę miesiąc rok tydzień dzień godzinę urządzenie"
)
_UNITS = frozenset(_UNIT_WORDS.split())
# a tax word between the figure and its unit ("29 € HT par utilisateur"); each lookahead
# lets a search fail at once where no alternative can start
_TAX = (
    r"(?:(?=[htnbe+])(?:ht|ttc|net|netto|brutto|netti|nett|excl\.? vat"
    r"|\+ ?(?:vat|iva|tva|btw|mwst))\s)?"
)
_EACH_AFTER = re.compile(
    rf"\s?{_TAX}(?=[acdejlmprty])(?:each|apiece|a (?:licen[cs]e|seat|piece|month|year|head)"
    r"|monthly|yearly"
    r"|annually|p\.?\s?m\b|p\.?\s?a\b|pcm|pppm|pupm|monatlich|jährlich|mtl\b|pro (?:stück|kopf)"
    r"|je (?:stück|lizenz)|chacune?|l'unité|la pièce|mensuel|annuel|cada un[oa]|la unidad"
    r"|mensual|anual|ciascun[oa]|cadauno|cad\b\.?|l'uno|l'una|mensil|annu[oi]\b|all'anno"
    r"|per stuk"
    r"|maandelijks|jaarlijks|miesięcznie|rocznie|tygodniowo|dziennie)",
    re.IGNORECASE,
)
# "/user", "per seat", "a postazione", "za użytkownika", "pro Nutzer und Monat": the word
# after is looked up in _UNITS (a slash takes any word: "£29/mo")
_PER_AFTER = re.compile(
    rf"\s?{_TAX}(?=[/pjaàzonw])(?:(/)\s?|(?:per|pro|je|par|por|a|al|alla|à|za|na|od|w)\s"
    r"(?:(?:the|each|every|jede[nrs]?|chaque|cada|ogni|elke|ieder|każd\w{0,4})\s)?)"
    r"(?!-)([^\W\d_]{1,16}|m²|m2)",
    re.IGNORECASE,
)
# right before a figure: a price by the piece ("je 180 €", "po 180 zł", "unit price £29")
_EACH_BEFORE = re.compile(
    r"(?:\bje|\bpo|@|\bunit (?:price|cost|rate)|\bprice per \w{1,20}|\brate of|stückpreis"
    r"|einzelpreis|preis pro \w{1,20}|prix unitaire|precio unitario|precio por \w{1,20}"
    r"|prezzo unitario|prezzo a \w{1,20}|stukprijs|prijs per \w{1,20}|cena jednostkowa"
    r"|cena za \w{1,20})\s?(?:of\s|von\s|de\s|di\s|van\s)?"
    r"(?:is\s|ist\s|est\s|es\s|è\s|e\s|bedraagt\s|wynosi\s|to\s)?:?\s?$",
    re.IGNORECASE,
)
# right after a figure: a part paid first ("the €1,000 deposit is in"); "plus a £1,500
# deposit" may add to the price, so that one stays unsure
_DEPOSIT_AFTER = re.compile(
    r"\s?(?:d'|de |di |of |van )?(?:deposit|down ?payment|anzahlung|acompte|anticipo|señal"
    r"|caparra|acconto|aanbetaling|zaliczk\w*+|zadatek|inruil|trade.?in|inzahlungnahme"
    r"|reprise|permuta)\b",
    re.IGNORECASE,
)
# right before a figure: the same part named first ("deposit of £2,000", "Anzahlung von
# 4.000 €", "nos dio un anticipo de 5.000 €"), or a grant towards the price ("Förderung von
# 5.000 €", "une aide à hauteur de 4 000 €")
_DEPOSIT_BEFORE = re.compile(
    r"\b(?=[adcsztirpgf])(?:deposit|down ?payment|anzahlung|acompte|anticipo|señal|caparra"
    r"|acconto|aanbetaling"
    r"|zaliczk\w{0,3}|trade.?in|inruil|inzahlungnahme|reprise|permuta"
    r"|zadat\w{0,3}|grant|subsidy|förderung|zuschuss|subvention|prime|aide|subvención|ayuda"
    r"|incentivo|contributo|subsidie|dotacj\w|dofinansowani\w)\s"
    r"(?:of\s|von\s|de\s|di\s|del\s|van\s|w wysokości\s|(?:in|im) höhe von\s|à hauteur de\s)?"
    r"(?:\d{1,3}\s?%\s?)?\(?(?:[^\W\d_]{1,3}\s)?$",  # "acconto del 30% (3.150 €)"
    re.IGNORECASE,
)
# a few words before a figure: a rival's price, or what we pay for the customer's old machine
_NOT_OURS_BEFORE = re.compile(
    r"\b(?=[ckmwo])(?:concurrent\w{0,2}|competitors?|konkurren\w{0,3}|mitbewerber|wettbewerber"
    r"|concurrence|competencia|competidor\w{0,2}|concorren\w{1,3}|konkurencj\w|odkup\w{0,6})\b"
    r"[^\d]{0,25}$",
    re.IGNORECASE,
)
_PLUS_BEFORE = re.compile(r"(?:\bplus|\+|zzgl\.?|en plus|più|más)\s(?:\w{1,3}\s)?$", re.IGNORECASE)
# right after a figure: the whole of it ("$3,870 in total", "3 870 € au total", "łącznie")
_TOTAL_AFTER = re.compile(
    r"\s?(?:in total|total|overall|all in|insgesamt|gesamt|au total|en tout|en total|in totale"
    r"|complessiv\w*+|in totaal|totaal|łącznie|razem|w sumie)\b",
    re.IGNORECASE,
)

# right before a figure: the words that name the deal's whole amount ("Auftragswert:",
# "Importo totale", "Montant total", "Order value")
_TOTAL_BEFORE = re.compile(
    r"(?:\btotal|gesamt|kaufpreis|jahreswert|gesamtwert|auftragswert|auftragssumme|auftragsvolumen|endsumme|endpreis"
    r"|summe|betrag|order value|contract value|deal value|valore|importo|montant|importe|bedrag"
    r"|came to|comes to|amounts to|amounting to|final figure|final price|final amount"
    r"|opdrachtwaarde|orderwaarde|contractwaarde|vertragswert|opdrachtsom|aanneemsom|contractsom|orderbedrag|koopsom"
    r"|contract sum|kwot[aęy]|wartość|wartosc|łącznie|razem|complessiv|totaal|=)"
    r"[^\d€$£]{0,25}$",  # the rest of the label's word too: no "\w*" to backtrack over
    re.IGNORECASE,
)

_LABEL_REACH = 30  # characters before a figure where its label may stand
# a figure told before or after tax, by the words right before it or right after it
_TAX_REACH = 16
_NET_WORDS = (
    r"netto|net|ht|htva|hors taxes?|imponibile|excl\.?|exkl\.?|zzgl\.?|ohne mwst|sin iva"
    r"|\+ ?(?:iva|vat|btw|mwst|tva)"
)
_GROSS_WORDS = (
    r"brutto|gross|ttc|tvac|ivato|ivata|iva inclusa|iva compresa|con iva|iva incluido"
    r"|incl\.? (?:vat|btw|mwst|iva|tva)|inkl\.? mwst|inc\.? vat"
)
_NET_BEFORE = re.compile(rf"(?:{_NET_WORDS})\b[^\d]{{0,8}}$", re.IGNORECASE)
_NET_AFTER = re.compile(rf"\s?(?:{_NET_WORDS})\b", re.IGNORECASE)
_GROSS_BEFORE = re.compile(rf"(?:{_GROSS_WORDS})\b[^\d]{{0,8}}$", re.IGNORECASE)  # "brutto rund"
_GROSS_AFTER = re.compile(rf"\s?(?:{_GROSS_WORDS})\b", re.IGNORECASE)
_RATE_BEFORE = re.compile(r"\d\s?%\s?(?:de\s|di\s|del\s|of\s)?$")
_DISCOUNT = re.compile(
    r"(?:discount|rabatt|nachlass|remise|descuento|sconto|korting|rabat|skonto)", re.IGNORECASE
)


@dataclass(frozen=True)
class Figure:
    amount: Amount | None
    sure: bool  # False: the reply must be asked about, not acted on


@dataclass(frozen=True)
class _Seen:
    found: Found
    bracketed: bool
    earlier: bool
    final: bool
    place: int  # 0: in the report's clause, 1: after the report's words, 2: elsewhere
    each: bool = False  # a price by the piece or the period: never offered as the total
    part: bool = False  # that, or a deposit: a part told as such, never the total

    @property
    def amount(self) -> Amount:
        return self.found.value, self.found.currency


def figure_of(signal: Signal, readings: list[Reading], signs: Mapping[str, str]) -> Figure:
    """The amount of the won or proposal report ``signal``, and whether it is sure; told
    both before and after tax ("imponibile 12.300 €, totale ivato 15.006 €", "14.200 € HTVA,
    soit 17.182 € TVAC"), the deal's amount is the one before tax."""
    figure = _figure_of(signal, readings, signs)
    if figure.amount is not None:
        for reading in readings:
            net = _net_of(reading.sentence.text, figure.amount, signs)
            if net is not None:
                return Figure(net, True)
    return figure


def _figure_of(signal: Signal, readings: list[Reading], signs: Mapping[str, str]) -> Figure:
    by_index = {reading.sentence.index: reading for reading in readings}
    own = by_index.get(signal.sentence.index)
    seen = _seen(own, signs, signal) if own else []
    # only a part here ("versato la caparra di 2.000 € e ha firmato. Lavoro da 11.200 €"), or
    # only bare numbers ("oferta: central + 48 detectores. Importe total 31.720,00 €"): a
    # figure with its currency beside it is the whole
    weak = bool(seen) and all(s.earlier or s.found.rank == BARE for s in seen)
    for reading in _neighbours(signal, by_index):
        if seen and not weak:
            break
        near = _seen(reading, signs, None)
        if near and weak:
            beside = _choose(near)
            if beside.sure and near[0].found.rank < BARE:
                return beside
            break
        seen = seen or near
    chosen = _choose(seen) if seen else None
    if chosen is not None and chosen.sure and not weak:
        return chosen
    total = _total_after(signal, by_index, signs)  # "Anzahlung 4.000 € überwiesen. Gesamtsumme …"
    if total is not None:
        return Figure(total, True)
    return chosen or Figure(None, not _money_before_sign_off(readings, signs))


def lost_figure(readings: list[Reading], signs: Mapping[str, str]) -> Figure:
    """The amount of a lost deal is our own price, as the reply names it ("Our quote was
    £32,500", "Unsere Offerte über CHF 38'500.–", "Nasza oferta opiewała na 15 000 zł"): a
    rival's price or a difference ("tańsza o 4 tys.") is none. Two prices of ours: ask."""
    amounts: list[Amount] = []
    for reading in readings:
        ours = tuple(mark for mark in reading.marks if mark.intent == "ours")
        if reading.closing or not ours:
            continue
        sentence = reading.sentence
        clause_of = clauses(sentence)
        for found in find_amounts(sentence.text, signs):
            at = _token_at(sentence, found.start)
            if (
                found.rank < BARE
                and not _part(sentence.text, found)
                and _marked(ours, "ours", at, clause_of, OURS_BEFORE)
            ):
                amounts.append((found.value, found.currency))
    unique = list(dict.fromkeys(amounts))
    return Figure(unique[0] if unique else None, len(unique) <= 1)


def _net_of(text: str, amount: Amount, signs: Mapping[str, str]) -> Amount | None:
    """In ``text`` told once before tax and once after, with ``amount`` one of the two: the
    one before tax."""
    nets: list[Amount] = []
    grosses: list[Amount] = []
    for found in find_amounts(text, signs):
        before = text[max(0, found.start - _TAX_REACH) : found.start]
        after = text[found.end : found.end + _TAX_REACH]
        if _GROSS_BEFORE.search(before) or _GROSS_AFTER.match(after):
            grosses.append((found.value, found.currency))
        elif _NET_BEFORE.search(before) or _NET_AFTER.match(after):
            nets.append((found.value, found.currency))
    net, gross = set(nets), set(grosses)
    if len(net) == 1 and len(gross) == 1 and amount in net | gross:
        return nets[0]
    return None


def _total_after(
    signal: Signal, by_index: dict[int, Reading], signs: Mapping[str, str]
) -> Amount | None:
    """ "…hat uns den Auftrag erteilt. Auftragswert: 62.310,- EUR netto.": the one figure
    with its currency that its own words call the total, in one of the next two sentences."""
    totals: list[Amount] = []
    for index in (signal.sentence.index + 1, signal.sentence.index + 2):
        reading = by_index.get(index)
        if reading is None or reading.closing or reading.signals:
            continue
        text = reading.sentence.text
        for found in find_amounts(text, signs):
            if found.rank == 0 and _called_total(text, found) and not _part(text, found):
                totals.append((found.value, found.currency))
    unique = list(dict.fromkeys(totals))
    return unique[0] if len(unique) == 1 else None


def _called_total(text: str, found: Found) -> bool:
    """The words right before or after the figure call it the total ("Auftragswert:",
    "€ 31.720 in total")."""
    before = text[max(0, found.start - _LABEL_REACH) : found.start]
    return bool(_TOTAL_BEFORE.search(before) or _TOTAL_AFTER.match(text, found.end))


def _money_before_sign_off(readings: list[Reading], signs: Mapping[str, str]) -> bool:
    """A sum of money in the reply's own words: the signature's share capital is none."""
    lines = [reading.sentence.line for reading in readings]
    for reading in readings:
        if reading.closing and lines.count(reading.sentence.line) == 1:
            return False  # "Bien cordialement," on a line of its own: the signature follows
        text = reading.sentence.text
        if any(f.rank <= 1 and not _part(text, f) for f in find_amounts(text, signs)):
            return True  # a rate by the month or a deposit is no sum of the deal's
    return False


def _neighbours(signal: Signal, by_index: dict[int, Reading]) -> Iterator[Reading]:
    index = signal.sentence.index
    alone = len(signal.sentence.tokens) <= _ALONE
    after = by_index.get(index + 1)
    if after and (
        len(after.sentence.tokens) <= _NEAR
        or (alone and all(s.kind == signal.kind for s in after.signals))
        or _opens_with_money(after)
    ):
        yield after
    before = by_index.get(index - 1)
    if before and len(before.sentence.tokens) <= _NEAR:
        yield before


def _opens_with_money(reading: Reading) -> bool:
    """ "PO came through for the two-bay rollover. £22.6k +VAT, they've already paid …": a
    sentence that opens with the figure names the report's amount."""
    first = next(iter(find_amounts(reading.sentence.text[:_LABEL_REACH])), None)
    return first is not None and first.start == 0 and first.rank == 0


def _seen(reading: Reading, signs: Mapping[str, str], signal: Signal | None) -> list[_Seen]:
    sentence = reading.sentence
    found = list(find_amounts(sentence.text, signs))
    if not found:
        return []
    rank = min(f.rank for f in found)  # a figure with its currency over a bare number
    clause_of = clauses(sentence)
    clause = clause_span(sentence, signal.first) if signal else (0, 0)
    words_at = sentence.tokens[signal.first].start if signal else len(sentence.text)
    seen: list[_Seen] = []
    text = sentence.text
    marks = tuple(m for m in reading.marks if not _discount_given(m, sentence))
    for figure in (f for f in found if f.rank == rank):
        at = _token_at(sentence, figure.start)
        place = 0 if clause[0] <= figure.start < clause[1] else 1 if figure.start > words_at else 2
        # "totaal € 17.280 per jaar", "Jahreswert 11.462,40 €": the whole, even by the year
        total = _called_total(text, figure)
        earlier = _marked(marks, "earlier", at, clause_of, EARLIER_BEFORE) or _part(text, figure)
        seen.append(
            _Seen(
                figure,
                _bracketed(text, figure.start),
                earlier and not total,
                _marked(marks, "final", at, clause_of, FINAL_BEFORE) or total,
                place,
                _each(text, figure) and not total,
                _part(text, figure) and not total,
            )
        )
    return seen


def _discount_given(mark: Hit, sentence: Sentence) -> bool:
    """ "na 8% korting € 19.780", "after a 10% discount": a rate before the discount word, so
    the figure after it is the price that is left, not the discount."""
    start = sentence.tokens[mark.first].start
    return (
        mark.intent == "earlier"
        and bool(_RATE_BEFORE.search(sentence.text[:start]))
        and bool(_DISCOUNT.match(sentence.text, start))
    )


# "2 Arztstühle, die Stühle à 890 €", "8 postes à 320 €": "à" after a count is by the
# piece ("notre devis à 8 900 €", with no count before, is the whole)
_COUNT_THEN_A = re.compile(r"\b\d{1,4}\s(?:[^\W\d_]{2,30},?\s){1,3}à\s?$")


def _each(text: str, figure: Found) -> bool:
    """A price by the piece, the person or the period: never the deal's whole amount."""
    if _EACH_AFTER.match(text, figure.end):
        return True
    if _COUNT_THEN_A.search(text[max(0, figure.start - 60) : figure.start]):
        return True
    per = _PER_AFTER.match(text, figure.end)
    if per and (per.group(1) or _unit(per.group(2))):
        return True
    return bool(_EACH_BEFORE.search(text[max(0, figure.start - 40) : figure.start]))


def _unit(word: str) -> bool:
    word = word.lower()
    return word in _UNITS or (word.endswith("s") and word[:-1] in _UNITS)


def _part(text: str, figure: Found) -> bool:
    """A price by the piece or a deposit told right after its figure; a rival's price or
    what we pay for the old machine told right before it ("een concurrent op 14k", "stary
    piec odkupujemy od niego za 1 500 zł")."""
    if _each(text, figure):
        return True
    before = text[max(0, figure.start - _LABEL_REACH) : figure.start]
    if _NOT_OURS_BEFORE.search(before):
        return True
    plus = _PLUS_BEFORE.search(text[: figure.start])
    deposit = _DEPOSIT_AFTER.match(text, figure.end) or _DEPOSIT_BEFORE.search(before)
    return bool(deposit) and not plus


def _choose(seen: list[_Seen]) -> Figure:
    outside = [s for s in seen if not s.bracketed]
    pool = outside or seen  # brackets hold the earlier price only beside a figure outside
    live = [s for s in pool if not s.earlier]
    if pool and all(s.part for s in pool):
        # only a price by the piece or a deposit ("£29/user per month", "deposit of £2,000
        # paid"): the stage without an amount
        return Figure(None, True)
    if not live:
        kept = [s for s in pool if not s.each]
        return Figure(kept[0].amount if kept else None, False)
    for group in (
        [s for s in live if s.final],
        [s for s in live if s.place == 0],
        [s for s in live if s.place <= 1],
        live,
    ):
        amounts = list(dict.fromkeys(s.amount for s in group))
        if amounts:
            return Figure(amounts[0], len(amounts) == 1)
    return Figure(live[0].amount, False)


def _token_at(sentence: Sentence, start: int) -> int:
    """The index of the first token at or after ``start`` in the sentence's text."""
    return next(
        (i for i, token in enumerate(sentence.tokens) if token.end > start),
        len(sentence.tokens) - 1,
    )


def _bracketed(text: str, start: int) -> bool:
    before = text[:start]
    return before.count("(") > before.count(")")


def _marked(
    marks: tuple[Hit, ...], intent: str, at: int, clause_of: tuple[int, ...], window: int
) -> bool:
    return any(
        mark.intent == intent
        and mark.end <= at
        and at - mark.end <= window
        and clause_of[mark.first] == clause_of[at]
        for mark in marks
    )
