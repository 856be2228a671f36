"""Closing formulas and mobile-client signatures, one lexicon per language.

A closing ("Gruß", "Cordialement", "Met vriendelijke groet") is recognised line by line: the
line starts with a formula of the lexicon and may go on only with a short greeting phrase
("aus München", "a todos") and a name ("Gruß Petra", "Saludos, Juan"). A line that carries a
sentence after the formula ("Grüße an Ihr Team, wir melden uns morgen") is not a closing.
Whether a closing may go is decided in extract.py: only when a name or signature block follows
it. Everything here is pure; every pattern reads a bounded line.
"""

from __future__ import annotations

import re

# A closing line is short; past this length it is a sentence.
_MAX_CLOSING = 160
_MAX_NAME_LINE = 60

# Formulas that end a letter in any context; a greeting phrase and a name may follow them.
FORMULAS: dict[str, tuple[str, ...]] = {
    "en": (
        r"(?:(?:with )?(?:best|kind|kindest|warm|warmest|many|warm personal) )?regards",
        r"(?:(?:with )?(?:best|warm|warmest|kind|good) )wishes",
        r"(?:many|best|kind|warm|warmest) greetings|greetings from",
        r"(?:yours )?(?:sincerely|truly|faithfully|cordially)|respectfully(?: yours)?",
        r"all the best|warmly|best,",
    ),
    "de": (
        # Gruß, Grüße, Grüssen, Gruesse, "Mit freundlichen Grüßen", "Beste Grüße"
        r"(?:mit )?(?:(?:freundlich|viel|best|lieb|herzlich|schön|sonnig|kollegial|gut|nett)"
        r"(?:e|en|em|er)? )?gr(?:ü|ue|u)(?:ß|ss)(?:e|en)?",
        r"herzlichst|hochachtungsvoll|mfg|m\.f\.g\.",
    ),
    "fr": (
        r"(?:bien |très |trés )?(?:cordialement|amicalement|sincèrement)",
        r"(?:(?:mes |nos )?(?:meilleures|sincères|cordiales|respectueuses|bien cordiales) )?"
        r"salutations(?: distinguées| cordiales| respectueuses)?",
        r"bien (?:à vous|a vous|à toi|a toi)|bien des choses|(?:toutes )?mes amitiés",
        r"(?:je vous prie d['’]agréer|veuillez (?:agréer|recevoir)|recevez)[^?!]{0,140}"
        r"(?:salutations|sentiments|considération)[^?!]{0,40}",
        r"cdlt|cdt|bàv|slts|bises|bisous",
    ),
    "es": (
        r"(?:un saludo|(?:muchos |afectuosos |cordiales |atentos )?saludos)"
        r"(?: cordiales| afectuosos| atentos| cordial)?",
        r"(?:reciba |recibe )?un (?:cordial|afectuoso|atento|fuerte|gran) saludo",
        r"atentamente|cordialmente|(?:un )?(?:fuerte |gran )?abrazo|abrazos|besos|slds",
        r"quedo (?:atent[oa]|a (?:la|su) (?:espera|disposición))[^?!.]{0,60}",
    ),
    "it": (
        r"(?:(?:con )?(?:i )?(?:cordiali|distinti|migliori|cari|tanti|molti) )?saluti"
        r"(?: cordiali| distinti)?",
        r"(?:porgo|invio|invio i miei) (?:cordiali|distinti|i migliori) saluti",
        r"(?:un )?(?:cordiale |caro |caloroso )?saluto|cordialmente|distintamente",
        r"un (?:caro )?abbraccio",
    ),
    "nl": (
        r"(?:met )?(?:(?:vriendelijke|hartelijke|collegiale|beste|lieve|warme|zonnige) )?"
        r"groet(?:en|jes)?",
        r"hoogachtend|mvg|m\.v\.g\.?|vr(?:iendelijke)?\.? ?gr(?:oet)?\.?",
    ),
    "pl": (
        r"(?:serdecznie |gorąco |ciepło )?pozdrawiam(?: serdecznie| ciepło| cieplutko| gorąco)?",
        r"(?:z )?(?:serdecznymi |najlepszymi )?pozdrowieniami|(?:serdeczne |gorące )?pozdrowienia",
        r"z (?:wyrazami )?(?:szacunku|poważaniem)|łączę (?:wyrazy szacunku|pozdrowienia)",
        r"pozdr\.?|pzdr\.?|serdeczności",
    ),
}

# Short wishes that also start ordinary sentences ("Best option is…", "Ciao Mario, …"):
# a closing only when nothing but a name follows them on the line.
WISHES: dict[str, tuple[str, ...]] = {
    "en": (
        r"best|cheers|take care|talk soon|speak soon|see you|thx|br|kr",
        r"have a (?:nice|great|good|lovely) (?:day|evening|weekend|week)",
    ),
    "de": (
        r"lg|vg|bg|hg|sg|bis bald|bis dann|tschüss|tschüs|servus|ciao",
        r"(?:einen )?(?:schönen|guten) (?:tag|abend)(?: noch)?|schönes wochenende",
    ),
    "fr": (
        r"à (?:bientôt|plus|demain|très vite)|a bientôt",
        r"(?:bonne|belle) (?:journée|soirée|fin de journée|semaine|continuation)|bon week-end",
    ),
    "es": (r"hasta (?:pronto|luego|mañana)|nos vemos|chao|buen día|buen fin de semana",),
    "it": (r"a (?:presto|dopo|domani)|ciao|buona (?:giornata|serata|settimana)|buon lavoro",),
    "nl": (r"tot (?:ziens|snel|later|morgen|dan)|fijne (?:dag|avond|week|weekend)|doei|gr\.?",),
    "pl": (r"do (?:usłyszenia|zobaczenia|jutra)|miłego (?:dnia|wieczoru|weekendu)|cześć",),
}

# "Danke und Gruß", "Merci et bonne journée", "Gracias y saludos": thanks joined to a closing.
# Thanks alone stay: they are what the partner says, not a formula.
_THANKS = (
    r"(?:(?:many|vielen|herzlichen|besten|merci|muchas|mille|hartelijk|bardzo|tante) )?"
    r"(?:thanks|thank you|thx|danke(?: schön| sehr)?|dank|merci(?: beaucoup)?|gracias|grazie"
    r"(?: mille)?|bedankt|dank je(?: wel)?|dank u(?: wel)?|dziękuję|dzięki)"
)
_JOIN = r"(?:\s*+[,!.&+]\s*+|\s++(?:and|und|et|y|e|en|i|oraz)\s++)"

# "Von meinem iPhone gesendet", "Get Outlook for Android", "Wysłane z iPhone'a".
MOBILE: dict[str, tuple[str, ...]] = {
    "en": (
        r"sent (?:from|via|with|using|by) [^,;]{1,60}?(?:[,.]?\s*+(?:please|pls|excuse).*)?",
        r"from my (?:iphone|ipad|android|mobile|phone|samsung|galaxy|blackberry)\b.*",
        r"(?:get|download) (?:outlook|the outlook app) for (?:ios|android).*",
    ),
    "de": (
        r"(?:holen sie sich|hol dir) outlook .*|outlook für (?:ios|android) herunterladen",
        r"von meinem .{1,40} gesendet\.?|gesendet (?:von|mit|vom|über) .{1,50}",
        r"diese nachricht wurde (?:von|mit) .{1,60} gesendet\.?",
    ),
    "fr": (
        r"envoy[ée] (?:de|depuis|à partir de|avec|par|du) .{1,50}",
        r"obtenir outlook .*|télécharger outlook pour (?:ios|android).*",
        r"ce (?:message|courriel|mail|e-mail) a été envoyé (?:de|depuis|avec|à partir de) .{1,60}",
    ),
    "es": (
        r"enviado (?:desde|con|de|do|pelo|por) .{1,50}",
        r"(?:obtener|descargar|obtén|descarga) outlook para (?:ios|android).*",
        r"este (?:mensaje|correo) (?:fue|ha sido) enviado (?:desde|con) .{1,60}",
    ),
    "it": (
        r"inviato (?:da|dal|con|tramite) .{1,50}",
        r"(?:scarica|ottieni) outlook per (?:ios|android).*",
        r"questo messaggio è stato inviato (?:da|dal|con) .{1,60}",
    ),
    "nl": (
        r"(?:verzonden|verstuurd) (?:vanaf|met|vanuit|van|via) .{1,50}",
        r"(?:download )?outlook voor (?:ios|android)(?: downloaden)?.*",
        r"dit bericht is (?:verzonden|verstuurd) (?:vanaf|met|vanuit) .{1,60}",
    ),
    "pl": (
        r"(?:wysłane|wysłano|wysłany) (?:z|ze|przy użyciu|przez|za pomocą) .{1,50}",
        r"(?:pobierz|uzyskaj)(?: aplikację| program)? outlook dla (?:systemu )?(?:ios|android).*",
        r"ta wiadomość została wysłana (?:z|ze|przy użyciu) .{1,60}",
    ),
    "other": (
        r"skickat från .{1,50}|sendt fra .{1,50}|lähetetty .{1,50}",
        r"отправлено (?:с|из) .{1,50}|odesláno z .{1,50}",
        r"(?:发自|寄自|來自)我的.{1,30}|.{1,30}から送信",
    ),
}


def _alternation(lexicon: dict[str, tuple[str, ...]]) -> str:
    return "|".join(pattern for patterns in lexicon.values() for pattern in patterns)


_FORMULA_LINE = re.compile(
    rf"^[/\s]*+(?:{_THANKS}{_JOIN})?(?:{_alternation(FORMULAS)})(?![^\W\d_])(?P<tail>.*+)$",
    re.IGNORECASE,
)
_WISH_LINE = re.compile(
    rf"^[/\s]*+(?:{_THANKS}{_JOIN})?(?:{_alternation(WISHES)})(?![^\W\d_])(?P<tail>.*+)$",
    re.IGNORECASE,
)
MOBILE_SIGNATURE = re.compile(rf"^(?:[(<]++\s*+)?(?:{_alternation(MOBILE)})[)>]*+$", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return text.split()


# Words that open a short greeting phrase after a formula: "Grüße aus Köln", "saludos a todos".
_PHRASE_WORDS = frozenset(
    _words(
        "aus von vom nach an ans in from to for all de du des depuis à a pour desde para da dal"
        " dalla dai per uit vanuit naar aan voor z ze dla do w we"
    )
)
# Lower-case words that belong to names and firms: "Jan van der Berg", "Maria de la Cruz".
_NAME_PARTICLES = frozenset(
    _words("van von der den de la le du da di del della dos ten ter y e i und and & zu")
)
_END_PUNCTUATION = ",.!;- \t"
_SPACED = re.compile(r"\s+")


def is_closing(line: str) -> bool:
    """Is this line a closing formula, with at most a greeting phrase and a name after it?"""
    line = line.strip()
    if not line or len(line) > _MAX_CLOSING:
        return False
    formula = _FORMULA_LINE.match(line)
    if formula:
        return _is_formula_tail(formula.group("tail"))
    wish = _WISH_LINE.match(line)
    return wish is not None and _is_name(wish.group("tail").strip(_END_PUNCTUATION))


def _is_formula_tail(tail: str) -> bool:
    """A tail such as ", Petra", " aus München", " a todos, Juan" or " / Kind regards"."""
    tail = tail.strip(_END_PUNCTUATION)
    if not tail:
        return True
    if tail.startswith("/"):  # a second language: "Viele Grüße / Best regards"
        return is_closing(tail.lstrip("/ "))
    if any(mark in tail for mark in "?:;()[]<>@") or any(char.isdigit() for char in tail):
        return False
    phrase, _, name = tail.partition(",")
    if "," in name:
        return False
    phrase, name = phrase.strip(_END_PUNCTUATION), name.strip(_END_PUNCTUATION)
    words = phrase.split()
    if words and words[0].lower() in _PHRASE_WORDS:
        return len(words) <= 5 and _is_name(name)
    return _is_name(phrase) and _is_name(name)


def _is_name(text: str) -> bool:
    """Nothing, or a name such as "Petra", "Jan van der Berg", "i.A. P. Schmidt", "//Jef"."""
    words = text.split()
    if len(words) > 4 or len(text) > 50 or any(char.isdigit() for char in text):
        return False
    for word in words:
        letters = word.lstrip("/-–—'\"").rstrip(".'\"")
        if not letters:
            continue
        if not (letters[0].isupper() or "." in word or word.lower() in _NAME_PARTICLES):
            return False
    return True


def is_name_block(lines: list[str]) -> bool:
    """A few short lines of name, title and firm below a closing, with no sentence among them."""
    if not 1 <= len(lines) <= 6:
        return False
    return all(_is_name_line(line) for line in lines)


def _is_name_line(line: str) -> bool:
    line = _SPACED.sub(" ", line.strip())
    if len(line) > _MAX_NAME_LINE or line.endswith(("?", "!", ":", ";")):
        return False
    words = line.split()
    if len(words) > 8 or words[0].rstrip(".:").lower() in ("ps", "p.s", "pps", "nb", "n.b"):
        return False
    if line.endswith(".") and len(words[-1]) > 5 and "." not in words[-1][:-1]:
        return False  # "…schicken das Angebot." ends a sentence; "GmbH." or "e.V." do not
    lower = [
        word
        for word in words
        if word[0].islower() and "." not in word and word.lower() not in _NAME_PARTICLES
    ]
    return len(lower) < 2
