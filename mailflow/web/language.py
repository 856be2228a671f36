"""The language of a page for whoever asks: a logged-in console user's own language,
else the browser's ``Accept-Language``, else the installation's default."""

from __future__ import annotations

from collections.abc import Iterable

from flask import request

from mailflow import i18n
from mailflow.web.console.auth import current_user
from mailflow.web.context import runtime


def visitor_language() -> str:
    """The first of the browser's ``Accept-Language`` (by preference) that we speak; a
    regional tag counts for its language (``de-AT`` is ``de``)."""
    return _accepted() or runtime().settings.default_language


def client_language(own: Iterable[str] = ()) -> str:
    """The language of an API answer's messages: the request's ``Accept-Language`` when
    it names one we speak, else the first of the caller's organisation's languages
    (``own``) we speak, else the installation's default."""
    spoken = (i18n.normalize(code, "") for code in own)
    return _accepted() or next((c for c in spoken if c), runtime().settings.default_language)


def _accepted() -> str:
    for tag, quality in request.accept_languages:  # highest quality first
        code = i18n.normalize(tag, "")
        if quality > 0 and code:
            return code
    return ""


def reader_language() -> str:
    """A console user's own language; a visitor's from the browser."""
    user = current_user()
    if user is not None and user.language:
        return i18n.normalize(user.language, runtime().settings.default_language)
    return visitor_language()
