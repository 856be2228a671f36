"""The languages of emails, dialogs and pages, and the Babel formats of numbers, dates
and money.

Messages are written in English in the templates (``_("...")``) and in code; every other
language comes from ``translations/<lang>/LC_MESSAGES/messages.po``, read with Babel at
start-up (no compile step). The language is chosen per render from the ``lang`` template
variable, so one compiled template serves every recipient. ``make messages`` extracts
every message into ``messages.pot`` and merges it into each catalog.
"""

from __future__ import annotations

import gettext as _gnu
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import format_time as _babel_time
from babel.dates import get_datetime_format
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from jinja2 import pass_context
from jinja2.runtime import Context

# The one list of languages (settings, the API schema, the console and the compile and
# render loops use it). English first: the language of the msgids and every fallback.
Language = Literal["en", "de", "fr", "es", "it", "nl", "pl"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
# Each language by its own name, for the language choices of forms.
LANGUAGE_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "nl": "Nederlands",
    "pl": "Polski",
}
_DIR = Path(__file__).parent / "translations"


def N_(message: str) -> str:
    """Mark a message that is translated later, where it is shown (a state, a label, a
    page title handed to a template): ``make messages`` extracts it, nothing changes."""
    return message


@dataclass(frozen=True)
class Catalog:
    """One language's translations: single messages, plural forms, and the rule that
    picks a plural form for a count (the catalog's ``Plural-Forms`` header)."""

    messages: dict[str, str] = field(default_factory=dict)
    plurals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plural: Callable[[int], int] = field(default=lambda n: int(n != 1))

    def get(self, message: str, default: str) -> str:
        return self.messages.get(message, default)


@cache
def catalog(lang: str) -> Catalog:
    path = _DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return Catalog()
    with path.open("rb") as fh:
        po = read_po(fh, locale=lang)
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for m in po:
        if not m.id or m.fuzzy:
            continue
        if isinstance(m.id, tuple | list):
            forms = tuple(str(s) for s in m.string or ())
            if all(forms):
                plurals[str(m.id[0])] = forms
        elif m.string:
            messages[str(m.id)] = str(m.string)
    return Catalog(messages, plurals, _gnu.c2py(po.plural_expr))


def normalize(lang: str | None, default: str = "en") -> str:
    code = (lang or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else default


def gettext(lang: str, message: str, **variables: Any) -> str:
    text = catalog(normalize(lang)).get(message, message)
    return text % variables if variables else text


def ngettext(lang: str, singular: str, plural: str, n: int, **variables: Any) -> str:
    """The form of the message for ``n`` by the language's plural rule (Polish has three:
    1 lead, 2–4 leady, 5 leadów); ``%(num)s`` is ``n`` unless given."""
    variables.setdefault("num", n)
    book = catalog(normalize(lang))
    forms = book.plurals.get(singular)
    if forms:
        index = book.plural(abs(int(n)))
        text = forms[min(index, len(forms) - 1)]
    else:
        text = singular if n == 1 else plural
    return text % variables


# -- numbers, dates and money in the reader's locale ---------------------------------------
def _number(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def money(lang: str, value: object, currency: str | None = None) -> str:
    """``12500`` in EUR: en "€12,500.00", de "12.500,00 €", fr "12 500,00 €",
    nl "€ 12.500,00", pl "12 500,00 €" (in PLN "12 500,00 zł"). Without a currency, the
    grouped number. Text that is not a number comes back as it is."""
    amount = _number(value)
    if amount is None:
        return "" if value in (None, "") else str(value)
    locale = normalize(lang)
    if not currency:
        return format_decimal(amount, format="#,##0.##", locale=locale)
    return format_currency(amount, currency.upper(), locale=locale)


def number(lang: str, value: object) -> str:
    amount = _number(value)
    if amount is None:
        return "" if value in (None, "") else str(value)
    return format_decimal(amount, locale=normalize(lang))


def day(lang: str, value: object, style: str = "medium") -> str:
    """A date (or an ISO date/datetime string) in the reader's locale: en "Dec 1, 2026",
    de "01.12.2026", fr "1 déc. 2026", pl "1 gru 2026". Anything else as it is."""
    when: date | None = None
    if isinstance(value, datetime):
        when = value.date()
    elif isinstance(value, date):
        when = value
    elif isinstance(value, str) and value:
        try:
            when = datetime.fromisoformat(value).date()
        except ValueError:
            return value
    if when is None:
        return "" if value is None else str(value)
    return _babel_date(when, format=style, locale=normalize(lang))


def percent(lang: str, value: object) -> str:
    """A share (``0.79``) in the reader's locale: en "79%", de "79 %", fr "79 %"."""
    share = _number(value)
    if share is None:
        return "" if value in (None, "") else str(value)
    return format_percent(share, locale=normalize(lang))


def _zone(name: object) -> ZoneInfo:
    try:
        return ZoneInfo(str(name)) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def moment(
    lang: str,
    value: object,
    tz: object = None,
    style: Literal["full", "long", "medium", "short"] = "medium",
) -> str:
    """A point in time (a datetime or an ISO string with its offset) in the reader's time
    zone and locale, with the zone's name: en "Dec 1, 2026, 5:00 PM CET", de "01.12.2026,
    17:00 MEZ". A naive value is taken as UTC; anything else comes back as it is."""
    when: datetime | None = None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str) and value:
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return value
    if when is None:
        return "" if value is None else str(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo("UTC"))
    zone, locale = _zone(tz), normalize(lang)
    local = when.astimezone(zone)
    pattern = get_datetime_format(style, locale=locale)
    text = str(pattern).replace("{1}", _babel_date(local, format=style, locale=locale))
    text = text.replace("{0}", _babel_time(local, format="short", locale=locale))
    name = _babel_datetime(local, format="z", tzinfo=zone, locale=locale)
    if name[:1] in "+-" or name.startswith("GMT"):  # no short name in this locale
        name = local.tzname() or name
    return f"{text} {name}"


_DATE_STYLES = frozenset({"short", "medium", "long"})


# -- Jinja -----------------------------------------------------------------------------------
def context_language(ctx: Context) -> str:
    """The ``lang`` variable of a render (English when it has none)."""
    return str(ctx.get("lang") or "en")


@pass_context
def _ctx_gettext(ctx: Context, message: str, **variables: Any) -> str:
    return gettext(context_language(ctx), message, **variables)


@pass_context
def _ctx_ngettext(ctx: Context, singular: str, plural: str, n: int, **variables: Any) -> str:
    return ngettext(context_language(ctx), singular, plural, n, **variables)


@pass_context
def money_filter(ctx: Context, value: object, currency: str | None = None) -> str:
    return money(context_language(ctx), value, currency)


@pass_context
def date_filter(ctx: Context, value: object, style: str = "medium") -> str:
    """``style``: "short", "medium" or "long" (the locale's patterns)."""
    return day(context_language(ctx), value, style if style in _DATE_STYLES else "medium")


@pass_context
def datetime_filter(ctx: Context, value: object) -> str:
    """In the reader's time zone: the ``tz`` variable of the render (UTC without one)."""
    return moment(context_language(ctx), value, ctx.get("tz"))


@pass_context
def percent_filter(ctx: Context, value: object) -> str:
    return percent(context_language(ctx), value)


@pass_context
def number_filter(ctx: Context, value: object) -> str:
    return number(context_language(ctx), value)


def install(env: Any) -> None:
    """Give a Jinja environment ``_``/``gettext``/``ngettext`` bound to the ``lang``
    variable, the ``money``/``date``/``number`` filters in that language, and
    ``languages`` (code → name) for language choices."""
    env.globals.update(_=_ctx_gettext, gettext=_ctx_gettext, ngettext=_ctx_ngettext)
    env.filters.update(
        money=money_filter,
        date=date_filter,
        number=number_filter,
        datetime=datetime_filter,
        percent=percent_filter,
    )
    env.globals["languages"] = LANGUAGE_NAMES
