"""The console in its reader's language and time zone.

Every console page is rendered with ``lang`` (the logged-in contact's ``language``; before
login the browser's choice among the catalogs' languages) and ``tz`` (the contact's
``timezone``; before login the manufacturer's ``MAILFLOW_TIMEZONE``). The ``when`` filter
shows a stored time (UTC, naive or aware) in that zone with the zone's name, the ``ago``
filter a number of hours; ``t`` translates a reason, stage or state by its label.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_percent
from flask import Flask, request
from jinja2 import pass_context
from jinja2.runtime import Context

from mailflow import i18n
from mailflow.actions.errors import ActionError
from mailflow.i18n import N_
from mailflow.web.console.auth import current_user
from mailflow.web.context import runtime

CONSOLE_PREFIX = "/console"


def language() -> str:
    """The reader's language: the console user's own, else the browser's best match."""
    user = current_user() if request.path.startswith(CONSOLE_PREFIX) else None
    if user is not None and user.language:
        return i18n.normalize(user.language)
    best = request.accept_languages.best_match(i18n.LANGUAGES)
    return best or "en"


def zone_name() -> str:
    user = current_user() if request.path.startswith(CONSOLE_PREFIX) else None
    name = (user.timezone if user is not None else None) or runtime().settings.timezone
    return name if _zone(name) is not None else "UTC"


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_label(lang: str, when: datetime, tz: ZoneInfo) -> str:
    """The zone's short name in the language ("CET", de "MEZ"), else "UTC+1"."""
    short = format_datetime(when, "z", tzinfo=tz, locale=lang)
    if short[:1].isalpha():
        return short
    offset = when.astimezone(tz).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def moment(lang: str, value: object, tz_name: str) -> str:
    """A stored time in the reader's zone and locale, labelled with the zone:
    en "Mar 1, 2026, 2:05 PM CET", de "01.03.2026, 14:05 MEZ"."""
    if value is None or value == "":
        return ""
    when: datetime | None = value if isinstance(value, datetime) else None
    if when is None and isinstance(value, str):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return value
    if when is None:
        return i18n.day(lang, value) if isinstance(value, date) else str(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # the database stores UTC
    tz = _zone(tz_name) or ZoneInfo("UTC")
    locale = Locale.parse(i18n.normalize(lang))
    pattern = str(locale.datetime_formats["medium"])
    local = when.astimezone(tz)
    text = pattern.format(
        format_time(local, "short", locale=locale), format_date(local, "medium", locale=locale)
    )
    return f"{text} {zone_label(locale.language, when, tz)}"


@pass_context
def _when(ctx: Context, value: object) -> str:
    return moment(i18n.context_language(ctx), value, str(ctx.get("tz") or "UTC"))


@pass_context
def _percent(ctx: Context, value: object) -> str:
    """A share (0.42) as a percentage in the reader's locale; "–" for none."""
    if value is None:
        return "–"
    try:
        share = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return format_percent(share, locale=i18n.normalize(i18n.context_language(ctx)))


def install(app: Flask) -> None:
    app.jinja_env.filters.update(when=_when, percent=_percent)

    @app.context_processor
    def _console_locale() -> dict[str, Any]:
        if not request.path.startswith(CONSOLE_PREFIX):
            return {}
        return {"lang": language(), "tz": zone_name()}


def gettext(message: str, **variables: Any) -> str:
    """``message`` in the reader's language (flash messages, errors of the views)."""
    return i18n.gettext(language(), message, **variables)


# A refused action, in the reader's words: by its code (the action's own text names
# internal states and stays in the logs and the API).
REFUSALS = {
    "not_found": N_("This no longer exists."),
    "not_allowed": N_("You may not do this."),
    "partner_inactive": N_("This partner is not active."),
    "taken": N_("Another partner picked this lead first."),
    "offer_closed": N_("This offer is no longer open."),
    "invalid": N_("Please check your input."),
    "wrong_state": N_("The lead's state does not allow this (any more)."),
    "queue_blocked": N_("The partner must report on overdue leads first."),
    "override_refused": N_("This lead or partner cannot take this change."),
    "invalid_template": N_("The template has errors."),
    "link_spent": N_("This link has been used already."),
}


def refusal(exc: ActionError) -> str:
    if exc.said:
        return gettext(exc.said, **exc.details)
    return gettext(REFUSALS.get(exc.code, N_("This did not work")))


# The names and default descriptions of the HTTP errors a console page can show
# (``message.html`` translates its title and text).
HTTP_ERRORS = (
    N_("Bad Request"),
    N_("The browser (or proxy) sent a request that this server could not understand."),
    N_("Forbidden"),
    N_(
        "You don't have the permission to access the requested resource. It is either "
        "read-protected or not readable by the server."
    ),
    N_("Not Found"),
    N_(
        "The requested URL was not found on the server. If you entered the URL manually "
        "please check your spelling and try again."
    ),
    N_("Method Not Allowed"),
    N_("The method is not allowed for the requested URL."),
)


# States, reasons and criteria the console shows by their label (``_(value)``); the lead
# and offer states are marked in ``models/states.py``.
LABELS = (
    # webhook deliveries and inbound messages
    N_("pending"),
    N_("sending"),
    N_("delivered"),
    N_("failed"),
    N_("received"),
    N_("applied"),
    N_("refused"),
    N_("review"),
    N_("duplicate"),
    N_("ignored"),
    N_("bounce"),
    N_("auto_reply"),
    N_("dismissed"),
    # why the matcher left a partner out
    N_("already offered this lead"),
    N_("no contact who receives offers"),
    N_("outside its territory"),
    N_("lacks the required certification"),
    N_("at capacity"),
    N_("beyond the maximum distance"),
    # the matching criteria
    N_("expertise"),
    N_("certification"),
    N_("level"),
    N_("conversion"),
    N_("speed"),
    N_("discipline"),
    N_("distance"),
    N_("language"),
    N_("load"),
    N_("balance"),
)
