"""The wording of an email kind: the catalog messages its template uses, which ops may
rewrite per language as plain text without touching the template.

A wording is ``{lang: {msgid: text}}``; a plural message (``ngettext``) is kept under
its singular msgid as the list of its forms in the language's order (Babel's plural rule
for the locale: Polish has three, 1 / 2–4 / 5+). Rendering looks a message up in the kind's
published wording for the reader's language first, then in the catalog; a text is plain
text (escaped in the HTML part like every translation), never template code. Its
placeholders are the message's own (``%(name)s``): each must stay, no other may appear
(a plural form may leave out the count, ``%(num)s``: "one lead").
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from babel.messages.plurals import get_plural
from jinja2 import TemplateSyntaxError, nodes, pass_context
from jinja2.runtime import Context

from mailflow import i18n
from mailflow.i18n import N_
from mailflow.mail.sandbox import TemplateSandbox

Texts = Mapping[str, str | list[str]]  # msgid → text (a plural message: its forms)
Wording = Mapping[str, Texts]  # lang → msgid → text
MAX_TEXT = 2_000  # characters of one wording text
# ``%(name)s`` / ``%(name)d``, and ``%%`` (a percent sign in a text with placeholders)
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
_NUM = re.compile(r"%\(num\)[sd]")
_PERCENT = re.compile(r"%\(\w+\)[sd]|%%|%")
_MESSAGE_CALLS = frozenset({"_", "gettext"})
_PLURAL_CALLS = frozenset({"ngettext"})
EXAMPLES = 4  # counts shown for each plural form ("1, 21, 31, 41")


def messages(parts: tuple[str, ...], env: TemplateSandbox) -> list[str]:
    """The messages the template parts translate with ``_("…")``, in order, each once."""
    return [str(m) for m in _calls(parts, env, _MESSAGE_CALLS, 1)]


def plural_messages(parts: tuple[str, ...], env: TemplateSandbox) -> list[tuple[str, str]]:
    """The plural messages (``ngettext("…", "…", n)``) of the template parts: (singular,
    plural), in order, each once."""
    return [m for m in _calls(parts, env, _PLURAL_CALLS, 2) if isinstance(m, tuple)]


def _calls(
    parts: tuple[str, ...], env: TemplateSandbox, names: frozenset[str], count: int
) -> list[str | tuple[str, str]]:
    found: dict[str | tuple[str, str], None] = {}
    for text in parts:
        try:
            tree = env.parse(text)
        except TemplateSyntaxError:
            continue
        for call in tree.find_all(nodes.Call):
            name = call.node
            if not (isinstance(name, nodes.Name) and name.name in names):
                continue
            args = call.args[:count]
            values = [a.value for a in args if isinstance(a, nodes.Const)]
            if len(values) == count and all(isinstance(v, str) and v for v in values):
                found.setdefault(values[0] if count == 1 else (values[0], values[1]), None)
    return list(found)


def plural_examples(lang: str) -> list[list[int]]:
    """For each plural form of ``lang`` (in the catalog's order), counts it is used for:
    en [[1], [0, 2, 3, 4]], pl [[1], [2, 3, 4, 22], [0, 5, 6, 7]], fr [[0, 1],
    [1000000, 2000000], [2, 3, 4, 5]]."""
    rule = i18n.catalog(i18n.normalize(lang)).plural
    forms: list[list[int]] = [[] for _ in range(plural_count(lang))]
    for n in [*range(200), 1_000, 1_000_000, 2_000_000]:
        index = rule(n)
        if index < len(forms) and len(forms[index]) < EXAMPLES:
            forms[index].append(n)
    return forms


def plural_count(lang: str) -> int:
    """How many plural forms ``lang`` has (Babel's plural rule for its locale)."""
    return get_plural(i18n.normalize(lang)).num_plurals


def catalog_forms(lang: str, singular: str, plural: str) -> list[str]:
    """The catalog's forms of a plural message in ``lang`` (English: the msgids)."""
    found = i18n.catalog(i18n.normalize(lang)).plurals.get(singular)
    forms = list(found) if found else [singular, plural]
    count = plural_count(lang)
    return (forms + [forms[-1]] * count)[:count]


def plural_problem(plural: str, forms: list[str]) -> tuple[str, str] | None:
    """What is wrong with ``forms`` as the wording of a plural message: as :func:`problem`
    for each form against the plural msgid, except that a form may leave out the count."""
    for form in forms:
        message = plural if _NUM.search(form) else _NUM.sub("", plural)
        if found := problem(message, form):
            return found
    return None


def clean_forms(singular: str, plural: str, forms: list[str], lang: str) -> list[str] | None:
    """The forms to store: ``None`` when every one is empty or the catalog's own; an empty
    one takes the catalog's form."""
    standard = catalog_forms(lang, singular, plural)
    cleaned = [f.replace("\r\n", "\n").strip() for f in forms[: len(standard)]]
    cleaned += [""] * (len(standard) - len(cleaned))
    if all(not f or f == s for f, s in zip(cleaned, standard, strict=True)):
        return None
    return [f or s for f, s in zip(cleaned, standard, strict=True)]


def placeholders(message: str) -> list[str]:
    """The names of the message's placeholders, in order, each once."""
    return list(dict.fromkeys(_PLACEHOLDER.findall(message)))


def problem(message: str, text: str) -> tuple[str, str] | None:
    """What is wrong with ``text`` as the wording of ``message``: an English sentence (a
    catalog message with ``%(names)s``/``%(max)s``) and the names it is about; ``None``
    when the text may be used."""
    if len(text) > MAX_TEXT:
        return N_("The text is too long (at most %(max)s characters)."), ""
    wanted = placeholders(message)
    used = placeholders(text)
    if unknown := [n for n in used if n not in wanted]:
        return N_("Unknown placeholder: %(names)s."), ", ".join(unknown)
    if missing := [n for n in wanted if n not in used]:
        return N_("Missing placeholder: %(names)s."), ", ".join(missing)
    if wanted and any(m == "%" for m in _PERCENT.findall(text)):
        return N_("Write a percent sign as %%%% in a text with placeholders."), ""
    return None


def explain(lang: str, found: tuple[str, str]) -> str:
    """A :func:`problem` as a sentence in ``lang``."""
    sentence, names = found
    return i18n.gettext(lang, sentence, names=names, max=MAX_TEXT)


def clean(message: str, text: str, lang: str) -> str | None:
    """The text to store for ``message``: ``None`` when it is empty or the catalog's
    own wording (then the catalog applies and follows its updates)."""
    text = text.replace("\r\n", "\n").strip()
    if not text or text == i18n.gettext(lang, message):
        return None
    return text


def catalog_text(lang: str, message: str) -> str:
    return i18n.catalog(i18n.normalize(lang)).get(message, message)


def lookup(texts: Texts, lang: str, message: str) -> str:
    """The message in ``lang``: the wording's text, else the catalog's."""
    return single(texts, message) or catalog_text(lang, message)


def single(texts: Texts, message: str) -> str | None:
    """The wording's text of a single (not plural) message, if it has one."""
    text = texts.get(message)
    return text if isinstance(text, str) else None


def gettext_for(texts: Texts) -> Callable[..., str]:
    """``_``/``gettext`` for the templates of one language with a wording: the wording's
    text first, then the catalog of the render's language."""

    @pass_context
    def gettext(ctx: Context, message: str, **variables: Any) -> str:
        text = single(texts, message)
        if text is None:
            return i18n.gettext(i18n.context_language(ctx), message, **variables)
        return text % variables if variables else text

    return gettext


def ngettext_for(texts: Texts) -> Callable[..., str]:
    """``ngettext`` for the templates of one language with a wording: the wording's form
    for ``n`` by the language's plural rule, else the catalog's."""

    @pass_context
    def ngettext(ctx: Context, singular: str, plural: str, n: int, **variables: Any) -> str:
        lang = i18n.context_language(ctx)
        forms = texts.get(singular)
        if not isinstance(forms, list) or not forms:
            return i18n.ngettext(lang, singular, plural, n, **variables)
        variables.setdefault("num", n)
        index = i18n.catalog(i18n.normalize(lang)).plural(abs(int(n)))
        return forms[min(index, len(forms) - 1)] % variables

    return ngettext


def key(wording: Wording | None) -> str:
    """A short fingerprint of a wording: compiled templates are cached by it."""
    if not wording:
        return ""
    dump = json.dumps({k: dict(v) for k, v in wording.items() if v}, sort_keys=True)
    return hashlib.sha256(dump.encode()).hexdigest()[:16] if dump != "{}" else ""
