"""English and German for emails and dialogs.

Messages are written in English in the templates (``_("...")``); German comes from
``translations/de/LC_MESSAGES/messages.po``, read with Babel at start-up (no compile
step). The language is chosen per render from the ``lang`` template variable, so one
compiled template serves every recipient.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from jinja2 import pass_context
from jinja2.runtime import Context

LANGUAGES = ("en", "de")
_DIR = Path(__file__).parent / "translations"


@cache
def catalog(lang: str) -> dict[str, str]:
    path = _DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        po = read_po(fh, locale=lang)
    return {str(m.id): str(m.string) for m in po if m.id and m.string and not m.fuzzy}


def normalize(lang: str | None, default: str = "en") -> str:
    code = (lang or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else default


def gettext(lang: str, message: str, **variables: Any) -> str:
    text = catalog(normalize(lang)).get(message, message)
    return text % variables if variables else text


@pass_context
def _ctx_gettext(ctx: Context, message: str, **variables: Any) -> str:
    return gettext(ctx.get("lang") or "en", message, **variables)


@pass_context
def _ctx_ngettext(ctx: Context, singular: str, plural: str, n: int, **variables: Any) -> str:
    variables.setdefault("num", n)
    return gettext(ctx.get("lang") or "en", singular if n == 1 else plural, **variables)


def install(env: Any) -> None:
    """Give a Jinja environment ``_``/``gettext``/``ngettext`` bound to the ``lang`` variable."""
    env.globals.update(_=_ctx_gettext, gettext=_ctx_gettext, ngettext=_ctx_ngettext)
