"""Money amounts as partners write them, in every locale we read.

"12.500,00 €", "€ 4.750,-", "9 950 €" (normal, no-break or thin spaces), "CHF 3'500",
"6.300,00 zł", "2.5k", "27 T€", "1,2 Mio.", "15 mil euros", "17.400 euro + IVA". The
currency comes back as its ISO code: EUR, USD, GBP, CHF, PLN, CZK, SEK, DKK, NOK. "kr" alone
is Swedish, Danish or Norwegian: the caller says which (``signs``) from the contact's country
or language; without it the amount comes back with no currency rather than a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies

_CURRENCY = (
    r"\$\s?ca\b|\$\s?cad?n?\b|c\$|ca\$|€|u\$s|\$|£|us\$|eur(?:os?)?\b|usd\b|dollars?\b|chf\b|sfr\b\.?|fr\.|franken\b|francs?\b"
    r"|gbp\b|pounds?\b|pln\b|złotych\b|zlotych\b|złote\b|zł|zl\b|czk\b|kč|korun\w{0,2}\b"
    r"|sek\b|dkk\b|nok\b|kronor\b|kroner\b|kr\b\.?|mxn\b|ars\b|clp\b|brl\b|huf\b|aud\b"
    r"|nzd\b|jpy\b|cny\b|inr\b|bgn\b|isk\b|₹|(?<![^\W\d_])rs\b\.?|f\s?cfa\b|dhs?\b|dirhams?\b|s/"
)
_NUMBER = (
    r"\d{1,2}(?:,\d\d)+,\d{3}(?![\d,])"  # "18,75,000": lakh, the Indian grouping
    r"|\d{1,3}(?:[.,'’ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d{1,2})?|\d{1,15}(?:[.,]\d{1,6})?"
)
_SUFFIX = (
    r"k\b|t(?=\s?(?:€|eur))|tsd\b\.?|tausend\b|thousand\b|tys\b\.?|mila\b|mille\b|mil\b"
    r"|duizend\b|mio\b\.?|mln\b\.?|mn\b|million(?:en|s|i|e)?\b|millones\b|milioni\b|miljoen\b|m\b"
)
# Read on lower-cased text (see parse_amount): without IGNORECASE the currency and suffix
# alternatives are skipped at a glance wherever their first letter is not there.
_AMOUNT = re.compile(
    rf"(?:(?P<pre>{_CURRENCY}|cad\b)\s?|(?<![\w.,'’/:-]))(?P<num>{_NUMBER})(?![\d])(?:[.,]-)?"
    rf"(?:\s?(?P<suffix>{_SUFFIX}))?(?:\s?(?:de\s|di\s|d')?(?P<post>{_CURRENCY})|(?P<euro>e))?(?![^\W\d_])"
)
# Each currency token above starts with one of these (the first that fits is taken).
_ISO_BY_PREFIX = (
    ("€", "EUR"),
    ("eur", "EUR"),
    ("$ ca", "CAD"),
    ("$ca", "CAD"),
    ("c$", "CAD"),
    ("ca$", "CAD"),
    ("cad", "CAD"),
    ("$", "USD"),
    ("us", "USD"),
    ("u$s", "USD"),  # Argentina's "U$S 18.500"
    ("dollar", "USD"),
    ("chf", "CHF"),
    ("sfr", "CHF"),
    ("fr", "CHF"),
    ("£", "GBP"),
    ("gbp", "GBP"),
    ("pound", "GBP"),
    ("pln", "PLN"),
    ("zł", "PLN"),
    ("zl", "PLN"),
    ("czk", "CZK"),
    ("kč", "CZK"),
    ("korun", "CZK"),
    ("sek", "SEK"),
    ("kronor", "SEK"),
    ("dkk", "DKK"),
    ("kroner", "DKK"),
    ("nok", "NOK"),
    *((code, code.upper()) for code in ("mxn", "ars", "clp", "brl", "huf", "aud", "nzd", "jpy")),
    *((code, code.upper()) for code in ("cny", "inr", "bgn", "isk")),
    ("₹", "INR"),
    ("fcfa", "XOF"),  # the franc of the eight West African states (Dakar, Abidjan)
    ("f cfa", "XOF"),
    ("dh", "MAD"),  # the Moroccan dirham
    ("dirham", "MAD"),
    ("s/", "PEN"),  # the Peruvian sol: "S/ 36,500"
    ("rs", "INR"),
)
# any ISO 4217 code in capitals right after a figure (the codes from Babel's CLDR data)
_ISO_CODES = frozenset(list_currencies())
_ISO_AFTER = re.compile(r"\s?([A-Z]{3})\b")
_ISO_BEFORE = re.compile(r"\b([A-Z]{3})\s?$")
_PESOS = re.compile(r"\s?pesos?\b")
_THOUSANDS = ("k", "t", "tsd", "tausend", "thousand", "tys", "mila", "mille", "mil", "duizend")
_MAX_AMOUNT_TEXT = 10_000
_LEAST_BARE = 100  # a figure with no currency and no "k" below this counts things
_LEAST_EURO = 100  # "8 900e": an "e" glued to a figure this big is euros
_MONTHS = (
    r"jan|feb|m[äa]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz]|janv|f[ée]v|avr|mai|juin|juil"
    r"|ao[uû]t|d[ée]c|ene|abr|ago|dic|gen|mag|giu|lug|ott|mei|okt|stycz|lut|marz|kwie|czerw|lip"
    r"|sierp|wrze[sś]|pa[zź]dz|listop|grud|juni|juli|januar|februar|märz|oktober|dezember"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
    r"|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|janvier|février"
    r"|mars|avril|juillet|septembre|octobre|novembre|décembre|maart|augustus|januari|februari"
    r"|czerwca|stycznia|lutego|marca|kwietnia|maja|lipca|sierpnia|września|października"
    r"|listopada|grudnia|january|february|march|april|june|july|august|september|october"
    r"|november|december"
)
# a day before its month ("12 czerwca", "12. Juni", "21 de junio") or after it ("June 12")
MONTH_AFTER = re.compile(rf"\.?\s{{0,2}}(?:de\s|of\s|th\s|st\s|nd\s|rd\s)?(?:{_MONTHS})\w*+\b")
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\w*+\.?\s{{0,2}}$")
# a reference, a phone number, a model, a year: "nr 2024/118", "tel. 954 123 456", "WPL 25"
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:n[rºo°]?|n\.º|nº|#|ref|art|typ|type|model|modelo|modello|ore|kw|ul|straße|str"
    r"|rue|calle|via|straat)\.?\s?:?\s?"
    r"|[+/-])$"
)
# a document, a part of a job or a place named by its number: "award letter 4", "phase 2",
# "Bauabschnitt 2", "lot 4", "tranche 3", "etap 2", "order 4": a small bare figure right after
# one of these nouns is which one, never a price
_REFERENCE_WORDS = (
    "letter lot phase stage step section part item page annex appendix schedule clause round"
    " batch version rev block building plot unit flat apartment floor level package tranche"
    " milestone ticket case file order invoice contract tender job project po option variant"
    " line row point week schreiben abschnitt los stufe etappe teil position pos seite anlage"
    " bauteil haus gebäude wohnung geschoss auftrag rechnung vertrag bestellung projekt"
    " variante paket woche punkt zeile nummer lettre étape commande facture contrat marché"
    " bâtiment annexe article bloc maison appartement étage semaine ligne niveau fase lote"
    " etapa carta pedido factura contrato expediente bloque edificio página anexo partida"
    " opción portal lotto stralcio tappa lettera ordine fattura contratto pratica pagina"
    " allegato voce opzione blocco piano riga livello perceel kavel brief factuur bouwnummer"
    " blok bijlage deel stap optie woning verdieping regel etap faza część pismo zamówienie"
    " zamówienia faktura faktury umowa umowy budynek strona załącznik pozycja opcja wariant"
    " mieszkanie piętro poziom transza partia notification notice award avis dossier reference"
    " référence referencia riferimento referentie aviso notifica besluit decyzja bescheid"
    " mitteilung decision décision decisión decisione"
)
_REFERENCE_NOUNS = tuple(_REFERENCE_WORDS.split())
# the rest of a phone number: "Tel 0251 998877", "Mobil 0171 / 765 43 21", "Cel. 442 318 7765"
# the words that label a phone number, in every language we read (the customer's number in a
# reply is found after one of these too: parse/customer.py)
PHONE_WORDS = (
    r"t[ée]l(?:[ée]fono|efone?|[ée]phone|efoon)?|tfno|phone|mobil[ea]?|mobiel|m[óo]vil|mob|gsm"
    r"|cel(?:l(?:ulare)?)?|handy|portable|kom(?:órka)?|fon"
)
_PHONE_BEFORE = re.compile(rf"\b(?:{PHONE_WORDS}|fax)\.?\s?:?\s?[\d\s+()/.-]*$")
_YEAR_BEFORE = re.compile(
    r"\b(?:von|from|since|seit|depuis|desde|dal|del|sinds|uit|aus|in|built|baujahr|bj|année|anno"
    r"|jahr|rok|roku|year|z|od|de|del|built in)\s$"
)
# things sold by the piece: "the 25 Lizenzen", "40 seats", "15 licencji" are how many, not a price
_COUNTED = (
    r"licen[cs]\w*|lizenz\w*|licenz\w*|licencj\w*|licenties?|seats?|sitze|sièges|asientos"
    r"|users?|nutzer\w*|benutzer\w*|utilisateurs?|usuarios?|utenti|utente|gebruikers?"
    r"|użytkownik\w*|uzytkownik\w*|arbeitspl\w*|postes?\b|puestos?|postazion\w*|werkplek\w*"
    r"|stanowisk\w*|panels?|paneele?n?|panneaux|paneles|pannelli|panelen|panel[iy]\b"
    r"|modules?|modulen?|moduł\w*|moduli|módulos|geräte?n?|devices?|appareils?|equipos?"
    r"|apparecchi\w*|apparaten|urządze\w*|machines?|maschinen?|máquinas?|macchin\w*|maszyn\w*"
    r"|stuk\b|stuks?|sztuki|pezzo|unidad\b|unità|eenheden|jednost\w*|boxes|cajas|scatole|dozen"
    r"|pompes?|pumps?|pumpen|bombas|pompe|pompen|pomp\b|pomp[ya]\b|accounts?|konten|comptes?"
    r"|cuentas|abonnements?|subscriptions?|abos?\b|suscripciones|abbonamenti|abonnementen"
    r"|subskrypcj\w*|abonament\w*"
)
# "5611 AB", "41703 Dos": a postcode's letters after it
_POSTCODE_LETTERS = re.compile(r" [A-Z]")
# "the 25", "les 15", "de 40", "for the 30": a small figure after an article counts things
_ARTICLE_BEFORE = re.compile(
    r"\b(?:the|die|der|den|das|les|des|las|los|le|la|gli|i|de|het|these|those|diese|ces|estas"
    r"|estos|queste|questi|deze|tych|te)\s$"
)
_UNIT_AFTER = re.compile(
    r"\s?(?:kw|kwh|w\b|m²|m2|qm|m\b|km|cm|mm|l\b|liter|litres?|grad|°|degrees?|stück|stk|stuks"
    r"|t\b(?!\s?(?:€|eur))|tonnen|tonnes?|tons?|kg"
    r"|pcs|pieces?|units?|sztuk|szt|pezzi|unidades|unités|pièces|leute|personen|people|persons"
    r"|osoby|osób|personas|persone|years?|jahre?n?|ans?\b|años|anni|jaar|lat\b|months?|monate?n?"
    r"|mois|meses|mesi|maanden|miesi|days?|tage?n?|jours?|días|giorni|dagen|dni|weeks?|wochen"
    r"|semaines?|semanas?|settimane|weken|tygodni|hours?|stunden|heures?|horas?|\bore\b|uur"
    r"|godzin|min|jahrgang|etages?|floors?|pisos?|piani|verdiepingen|pi[eę]tr|wohnungen"
    r"|appartements?|apartments?|radiat|heizk|rooms?|zimmer|pi[eè]ces|habitaciones|stanze"
    r"|kamers|pokoi|[a-z]{1,3}\d|" + _COUNTED + ")"
)
# "200 albo 300 l", "8 to 10 kW", "3-4 Tage": the unit after the second figure is the first's too
_RANGE = re.compile(
    r"\s?(?:[-–/]|to|or|bis|oder|ou|à|a|o|of|tot|albo|lub|do|y|e|and|und|et|en|i)\s?\d[\d.,]*"
)
# a house number: after a street's name ("via Mazzini 12", "Lindenweg 4", "ul. Długa 5") or
# before it ("12 rue des Tanneurs", "14 High Street"); read word by word on the text as written
_STREET_TEXT = (
    "via viale piazza piazzale corso largo vicolo rue avenue bd boulevard chemin allée"
    " impasse place quai calle avenida avda plaza paseo camino carrer ul ulica aleja osiedle"
    " plac"
)
_STREET_WORDS = frozenset(_STREET_TEXT.split())
_ENDINGS_TEXT = (
    "straße strasse str. weg gasse allee platz ring damm ufer straat laan plein gracht kade"
    " singel dreef steeg"
)
_STREET_ENDINGS = tuple(_ENDINGS_TEXT.split())
_LINKS_TEXT = "de del della delle dei degli des du la le van der den di y"
_NAME_LINKS = frozenset(_LINKS_TEXT.split())
_FIRST_TEXT = "rue avenue av bd boulevard chemin allée impasse place quai route"
_STREET_FIRST = frozenset(_FIRST_TEXT.split())
_TYPES_TEXT = (
    "street st road rd lane ln avenue ave drive close way crescent place court gardens"
    " terrace grove park"
)
_STREET_TYPES = frozenset(_TYPES_TEXT.split())
Amount = tuple[Decimal, str | None]


@dataclass(frozen=True)
class Found:
    start: int  # span of the amount, its currency included, in the text read
    end: int
    value: Decimal
    currency: str | None
    rank: int  # 0: a currency named, 1: a k/Mio suffix, 2: a bare number


def parse_amount(text: str, signs: Mapping[str, str] | None = None) -> Amount | None:
    """The first money amount in text and its ISO currency (None when none is named).

    A figure with a currency beats one with a k/Mio suffix, which beats a bare number;
    dates and times are never amounts. ``signs``: what a bare "kr" or "$" stands for, if
    known ({"kr": "SEK"}); "$" is USD unless it says otherwise.
    """
    best: Found | None = None
    for found in find_amounts(text, signs):
        if best is None or found.rank < best.rank:
            best = found
        if found.rank == 0:
            break
    return (best.value, best.currency) if best else None


def find_amounts(text: str, signs: Mapping[str, str] | None = None) -> Iterator[Found]:
    """Every money amount in text, in order, with where it stands and how sure a figure."""
    original = (text or "")[:_MAX_AMOUNT_TEXT]
    text = original.lower()
    if len(text) != len(original):
        original = text  # a letter that lower-cases to two: no capitals to read
    for match in _AMOUNT.finditer(text):
        pre, post = match.group("pre"), match.group("post")
        # "$48.000.000 COP", "COP 48.500.000", "MXN $185,000": an ISO code in capitals
        code = None if post else _iso_code(match, original, before=not pre or pre[0] == "$")
        if not code and (_is_date_or_time(match, text) or _not_money(match, text, original)):
            continue
        value = _amount_value(match)
        if value is None or (match.group("euro") and value < _LEAST_EURO):
            continue  # "le 3e étage": an ordinal, not three euros
        # "$185,000 MXN": the code after says which dollar (or peso) the sign before is
        token = post if post and (not pre or pre.startswith("$")) else pre
        rank = 0 if token or match.group("euro") else 1 if match.group("suffix") else 2
        currency = "EUR" if match.group("euro") and not token else _iso(token, signs or {})
        end = match.end()
        if code:
            rank, currency = 0, code
            after = _ISO_AFTER.match(original, end)
            if after and after.group(1) == code:
                end = after.end()  # "$12,750 CAD before tax": the code is the amount's
        elif currency == "USD" and _PESOS.match(text, match.end()):
            currency = None  # "$ 4.850.000 pesos": which peso, the text does not say
        yield Found(match.start(), end, value, currency, rank)


def _iso_code(match: re.Match[str], original: str, before: bool) -> str | None:
    """An ISO 4217 code in capitals right after the figure, or right before it."""
    after = _ISO_AFTER.match(original, match.end())
    if after and after.group(1) in _ISO_CODES:
        return after.group(1)
    # "COP 48.500.000 IVA incluido": the capitals after are a tax, the code stands before
    code = (
        _ISO_BEFORE.search(original, max(0, match.start() - 4), match.start()) if before else None
    )
    return code.group(1) if code and code.group(1) in _ISO_CODES else None


def _is_date_or_time(match: re.Match[str], text: str) -> bool:
    if match.group("pre") or match.group("post") or match.group("suffix"):
        return False
    after = text[match.end("num") : match.end("num") + 2]
    number = match.group("num")
    if after[:1] in ("-", "/") and after[1:2].isdigit():
        return True  # 2026-03-12, 12/03
    return after.startswith((":", "%", "h")) or (after.startswith(".") and "." in number)


def _not_money(match: re.Match[str], text: str, original: str) -> bool:
    """A number that names something else: a day of a month (whatever its suffix), and
    without a currency a reference, phone number, postcode, model, year or quantity."""
    start, end = match.start("num"), match.end("num")
    before, after = text[max(0, start - 24) : start], text[end : end + 24]
    number = match.group("num")
    if match.group("pre") or match.group("post") or match.group("euro"):
        return False
    if MONTH_AFTER.match(after) or _MONTH_BEFORE.search(before):
        return True
    if match.group("suffix"):
        return False
    digits = sum(char.isdigit() for char in number)
    if _LABEL_BEFORE.search(before) or sum(char == " " for char in number.strip()) >= 2:
        return True
    if _PHONE_BEFORE.search(text[max(0, start - 40) : start]):
        return True
    if number[:1] == "0" and number[1:2].isdigit():
        return True  # "04.12", "0251": a date or a phone number, never a price
    if _UNIT_AFTER.match(after):
        return True
    ranged = _RANGE.match(text, end)
    if ranged and _UNIT_AFTER.match(text, ranged.end()):
        return True  # "200 albo 300 l": litres both
    if number.isdigit() and len(number) <= 4 and _house_number(original, start, end):
        return True
    if number.isdigit() and len(number) <= 3 and _names_a_reference(before):
        return True  # "award letter 4", "phase 2", "lot 4": which one, not how much
    if number.isdigit() and len(number) <= 3 and _ARTICLE_BEFORE.search(before):
        return True  # "for the 40", "les 15": a count, a deal's price names its currency
    word_before = original[max(0, start - 8) : start].split()
    if word_before and word_before[-1].isupper() and word_before[-1].isalpha():
        return True  # "WPL 25", "Typ AX 12"
    plain = number.isdigit()
    if plain and int(number) < _LEAST_BARE:
        return True  # "die Bestellung über 2 Kühltheken", "ha preso 3 sollevatori": how many
    if plain and len(number) == 4 and number[:2] in ("19", "20") and _YEAR_BEFORE.search(before):
        return True
    rest = original[end : end + 24]
    return plain and digits in (4, 5) and bool(_POSTCODE_LETTERS.match(rest))


def _house_number(original: str, start: int, end: int) -> bool:
    before = original[max(0, start - 60) : start].split()
    if before and before[-1][:1].isupper() and before[-1].lower().endswith(_STREET_ENDINGS):
        return True  # "Lindenweg 4", "Hauptstr. 12"
    for first in range(len(before) - 1, max(-1, len(before) - 6), -1):
        if before[first].lower().rstrip(".") in _STREET_WORDS:
            name = before[first + 1 :]  # "via Mazzini 12", "calle de la Paz 3"
            return bool(name) and all(
                word[:1].isupper() or word.lower().strip("'’") in _NAME_LINKS for word in name
            )
    after = [word.strip(",.") for word in original[end : end + 40].split()]
    if after and after[0].lower() in ("bis", "ter", "a", "b", "c"):
        after = after[1:]
    if after and after[0].lower() in _STREET_FIRST:
        return True  # "12 rue des Tanneurs", "12, avenue Foch"
    return any(  # "14 High Street", "3 Mill Lane"
        len(after) > words
        and after[words].lower() in _STREET_TYPES
        and all(word[:1].isupper() for word in after[:words])
        for words in (1, 2, 3)
    )


def _names_a_reference(before: str) -> bool:
    """The word right before the figure is (or ends in) a noun of a document or a part."""
    words = before.rstrip(" :#").split()
    return bool(words) and words[-1].endswith(_REFERENCE_NOUNS)


def _amount_value(match: re.Match[str]) -> Decimal | None:
    try:
        value = _to_decimal(match.group("num"))
    except (InvalidOperation, ValueError):
        return None
    suffix = (match.group("suffix") or "").rstrip(".")
    if suffix:
        value = value * (1000 if suffix in _THOUSANDS else 1_000_000)
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


def _iso(token: str | None, signs: Mapping[str, str]) -> str | None:
    token = (token or "").lower()
    if token.startswith("kr") and token.rstrip(".") == "kr":
        return signs.get("kr")
    if token.strip() == "$":
        return signs.get("$", "USD") or None
    return next((iso for prefix, iso in _ISO_BY_PREFIX if token.startswith(prefix)), None)
