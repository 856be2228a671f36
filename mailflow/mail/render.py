"""Render a compiled template for one recipient.

Which version of a kind is live: the active ``EmailTemplate`` row ops saved in the
console, else the files (version 0). The map of active versions is read with one query
and kept for ``ttl`` seconds, so an email costs no database round trip; activating a
version in this process calls :meth:`Renderer.invalidate`, other processes see it
within the TTL. Compiled templates are cached per (kind, version) for good: a version's
source never changes once saved.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Template
from sqlmodel import select

from mailflow import i18n
from mailflow.mail import kinds, templates
from mailflow.mail import wording as wordings
from mailflow.mail.compile import (
    HTML_ENV,
    TEMPLATE_DIR,
    Compiled,
    Source,
    TemplateError,
    compile_source,
    file_source,
    is_http_url,
    layout,
)
from mailflow.models import EmailTemplate

if TYPE_CHECKING:
    from mailflow.db import Database

ACTIVE_TTL_S = 10.0


class RenderError(TemplateError):
    """A template that compiled but failed while rendering: the sandbox refused an
    access or a size, or the template's own code raised. The message names the part,
    the line and the reason; the outbox stores it on the failed email."""

    def __init__(self, message: str, part: str = "") -> None:
        super().__init__(message)
        self.part = part


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


class Renderer:
    """Holds compiled templates, one per (kind, version); compiles on first use."""

    def __init__(
        self,
        directory: Path = TEMPLATE_DIR,
        db: Database | None = None,
        ttl: float = ACTIVE_TTL_S,
    ) -> None:
        self._directory = directory
        self._db = db
        self._ttl = ttl
        self._compiled: dict[tuple[str, int, str], Compiled] = {}
        self._lock = threading.Lock()
        self._active: dict[str, Source] = {}
        self._wording: dict[str, dict[str, wordings.Texts]] = {}  # kind → lang → texts
        self._active_at = float("-inf")

    def invalidate(self) -> None:
        """Forget which versions are active (after an activation or rollback)."""
        self._active_at = float("-inf")

    def active_version(self, kind: str) -> int:
        source = self._active_sources().get(kind)
        return source.version if source else 0

    def _active_sources(self) -> dict[str, Source]:
        if self._db is None or time.monotonic() - self._active_at < self._ttl:
            return self._active

        with self._db.read() as s:
            rows = s.exec(select(EmailTemplate).where(EmailTemplate.active == True)).all()  # noqa: E712
            self._active = {
                r.kind: Source(r.kind, r.version, r.subject, r.body_text, r.body_mjml) for r in rows
            }
            self._wording = templates.published_wording(s)
        self._active_at = time.monotonic()
        return self._active

    def compiled(self, kind: str, version: int | None = None) -> Compiled:
        """The compiled template: ``version`` None = the active one; with the kind's
        published wording either way."""
        source = self._active_sources().get(kind)
        if version is None:
            version = source.version if source else 0
        elif source is not None and source.version != version:
            source = None
        found_wording = self._wording.get(kind)
        key = (kind, version, wordings.key(found_wording))
        found = self._compiled.get(key)
        if found is None:
            with self._lock:
                found = self._compiled.get(key)
                if found is None:
                    if source is None:
                        source = self._source(kind, version)
                    found = compile_source(source, layout(self._directory), found_wording)
                    self._compiled[key] = found
        return found

    def _source(self, kind: str, version: int) -> Source:
        if version == 0 or self._db is None:
            return file_source(kind, self._directory)

        with self._db.read() as s:
            return templates.load_source(s, kind, version)

    def wording(self, kind: str) -> dict[str, wordings.Texts]:
        """The kind's published wording (``{lang: {msgid: text}}``)."""
        self._active_sources()
        return self._wording.get(kind, {})

    def render(self, kind: str, context: dict[str, Any], version: int | None = None) -> Rendered:
        tpl = self.compiled(kind, version)
        return render_compiled(tpl, context)


def render_compiled(
    tpl: Compiled, context: dict[str, Any], source: Source | None = None
) -> Rendered:
    """The three parts for one recipient. With the ``source`` (a draft, a version being
    saved), an error in the HTML part names the line of the author's MJML, not of the
    compiled layout."""
    try:
        return _render_parts(tpl, context)
    except RenderError as exc:
        if source is None or exc.part != "HTML":
            raise
        raise _author_error(tpl, source, context, exc) from exc


def _author_error(
    tpl: Compiled, source: Source, context: dict[str, Any], exc: RenderError
) -> RenderError:
    """Render the author's body alone with the same data: where it fails is their line."""
    try:
        HTML_ENV.from_string(source.body_mjml).render({**context, "subject_line": ""})
    except Exception as inner:
        line = _template_line(inner)
        where = f"MJML line {line}" if line else "MJML"
        return RenderError(
            f"{tpl.kind} ({_version(tpl)}) cannot be rendered: {where}: "
            f"{type(inner).__name__}: {str(inner)[:300]}",
            part="MJML",
        )
    return exc


def _version(tpl: Compiled) -> str:
    return "the draft" if tpl.version < 0 else f"version {tpl.version}"


def _render_parts(tpl: Compiled, context: dict[str, Any]) -> Rendered:
    links = context.get("links")
    if links:  # only http(s) URLs become links, whatever an action put in
        context = {**context, "links": {k: v for k, v in links.items() if is_http_url(v)}}
    subject_tpl, text_tpl, html_tpl = tpl.for_language(context.get("lang"))
    subject = " ".join(_render(tpl, "subject", subject_tpl, context).split())
    context = {**context, "subject_line": subject}
    return Rendered(
        subject=subject,
        text=_render(tpl, "text", text_tpl, context),
        html=_render(tpl, "HTML", html_tpl, context),
    )


def _render(tpl: Compiled, part: str, template: Template, context: dict[str, Any]) -> str:
    """One part; any failure becomes a :class:`RenderError` with a readable reason.
    The template's code is the author's (a draft in the preview, a saved version in a
    worker), so whatever it raises is its author's error, not ours."""
    try:
        return template.render(context)
    except Exception as exc:
        line = _template_line(exc)
        where = f"{part} line {line}" if line else part
        raise RenderError(
            f"{tpl.kind} ({_version(tpl)}) cannot be rendered: {where}: "
            f"{type(exc).__name__}: {str(exc)[:300]}",
            part=part,
        ) from exc


def _template_line(exc: BaseException) -> int | None:
    """The template line Jinja put in the traceback (its frames are named <template>)."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def trial_render(source: Source, brand: dict[str, Any]) -> list[str]:
    """Render ``source`` with its kind's sample data in every language, as a save does
    before a version goes live: what the sandbox refuses only at render time (a size,
    a step budget) is refused here, not in every email afterwards. ``[]`` when fine."""
    try:
        compiled = compile_source(source, layout())
        for lang in i18n.LANGUAGES:
            context = {**kinds.sample(source.kind, lang), "brand": brand}
            render_compiled(compiled, context, source)
    except TemplateError as exc:
        return [str(exc)]
    return []
