"""The wording of an email kind: the catalog messages its template uses, which ops may
rewrite per language as plain text without touching the template.

A wording is ``{lang: {msgid: text}}``. Rendering looks a message up in the kind's
published wording for the reader's language first, then in the catalog; a text is plain
text (escaped in the HTML part like every translation), never template code. Its
placeholders are the message's own (``%(name)s``): each must stay, no other may appear.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import TemplateSyntaxError, nodes, pass_context
from jinja2.runtime import Context

from mailflow import i18n
from mailflow.i18n import N_
from mailflow.mail.sandbox import TemplateSandbox

Wording = Mapping[str, Mapping[str, str]]  # lang → msgid → text
MAX_TEXT = 2_000  # characters of one wording text
# ``%(name)s`` / ``%(name)d``, and ``%%`` (a percent sign in a text with placeholders)
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
_PERCENT = re.compile(r"%\(\w+\)[sd]|%%|%")
_MESSAGE_CALLS = frozenset({"_", "gettext"})


def messages(parts: tuple[str, ...], env: TemplateSandbox) -> list[str]:
    """The messages the template parts translate with ``_("…")``, in order, each once.
    Plural messages (``ngettext``) keep their catalog wording."""
    found: dict[str, None] = {}
    for text in parts:
        try:
            tree = env.parse(text)
        except TemplateSyntaxError:
            continue
        for call in tree.find_all(nodes.Call):
            name = call.node
            if not (isinstance(name, nodes.Name) and name.name in _MESSAGE_CALLS and call.args):
                continue
            first = call.args[0]
            if isinstance(first, nodes.Const) and isinstance(first.value, str) and first.value:
                found.setdefault(first.value, None)
    return list(found)


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


def lookup(texts: Mapping[str, str], lang: str, message: str) -> str:
    """The message in ``lang``: the wording's text, else the catalog's."""
    return texts.get(message) or catalog_text(lang, message)


def gettext_for(texts: Mapping[str, str]) -> Callable[..., str]:
    """``_``/``gettext`` for the templates of one language with a wording: the wording's
    text first, then the catalog of the render's language."""

    @pass_context
    def gettext(ctx: Context, message: str, **variables: Any) -> str:
        text = texts.get(message)
        if text is None:
            return i18n.gettext(i18n.context_language(ctx), message, **variables)
        return text % variables if variables else text

    return gettext


def key(wording: Wording | None) -> str:
    """A short fingerprint of a wording: compiled templates are cached by it."""
    if not wording:
        return ""
    dump = json.dumps({k: dict(v) for k, v in wording.items() if v}, sort_keys=True)
    return hashlib.sha256(dump.encode()).hexdigest()[:16] if dump != "{}" else ""
