"""Compile an email template once per version.

A template is a folder ``templates/email/<kind>/`` with ``subject.txt``, ``body.txt`` and
``body.mjml`` (the content of the shared ``layout.mjml``). Compiling runs MJML and
css-inline over the source *with its Jinja tags still in it*, then compiles the result
as a Jinja template; each email afterwards costs one Jinja render.

css-inline rather than premailer: premailer URL-encodes ``{{ }}`` inside href
attributes with current lxml (its issue #297) and is unmaintained.
MRML (mjml-python) cannot parse ``<`` inside a Jinja tag, so templates keep comparisons
out of tags inside MJML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import css_inline
import mjml
from jinja2 import Environment, Template, TemplateSyntaxError, select_autoescape

from mailflow import i18n

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "email"
_CONTENT_SLOT = "<mj-include-content />"
# Every action link gets its data-action attribute from the link's name.
_ACTION_LINK = re.compile(r'<a href="\{\{ links\.(pick|decline|feedback|portal) \}\}"')
_TAG_WITH_LT = re.compile(r"\{[{%][^}]*<[^}]*[%}]\}")


class TemplateError(ValueError):
    """A template source that cannot be compiled; the message says where."""


@dataclass(frozen=True)
class Source:
    kind: str
    version: int
    subject: str
    body_text: str
    body_mjml: str


@dataclass(frozen=True)
class Compiled:
    kind: str
    version: int
    subject: Template
    text: Template
    html: Template


def make_env(autoescape: bool) -> Environment:
    env = Environment(
        autoescape=select_autoescape(default=True, default_for_string=True)
        if autoescape
        else False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["money"] = _money
    i18n.install(env)
    return env


def _money(value: object, currency: str | None = None) -> str:
    if value in (None, ""):
        return ""
    try:
        amount = f"{float(str(value)):,.0f}".replace(",", "\u202f")
    except ValueError:
        return str(value)
    return f"{amount} {currency}" if currency else amount


HTML_ENV = make_env(autoescape=True)
TEXT_ENV = make_env(autoescape=False)


def file_source(kind: str, directory: Path = TEMPLATE_DIR) -> Source:
    folder = directory / kind
    if not folder.is_dir():
        raise TemplateError(f"no email template {kind!r}")
    return Source(
        kind=kind,
        version=0,
        subject=(folder / "subject.txt").read_text(encoding="utf-8").strip(),
        body_text=(folder / "body.txt").read_text(encoding="utf-8"),
        body_mjml=(folder / "body.mjml").read_text(encoding="utf-8"),
    )


def layout(directory: Path = TEMPLATE_DIR) -> str:
    return (directory / "layout.mjml").read_text(encoding="utf-8")


def mjml_to_html(mjml_source: str) -> str:
    """MJML (with Jinja tags inside) → HTML with CSS inlined and action links marked."""
    bad = _TAG_WITH_LT.search(mjml_source)
    if bad:
        raise TemplateError(f"'<' inside a Jinja tag cannot pass through MJML: {bad.group(0)}")
    try:
        html = mjml.mjml2html(mjml_source)
    except Exception as exc:  # mjml-python raises plain exceptions with the parser message
        raise TemplateError(f"MJML does not compile: {exc}") from None
    inliner = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)
    html = inliner.inline(html)
    return _ACTION_LINK.sub(r'<a href="{{ links.\1 }}" data-action="\1"', html)


def compile_source(source: Source, layout_mjml: str) -> Compiled:
    html = mjml_to_html(layout_mjml.replace(_CONTENT_SLOT, source.body_mjml))
    try:
        return Compiled(
            kind=source.kind,
            version=source.version,
            subject=TEXT_ENV.from_string(source.subject),
            text=TEXT_ENV.from_string(source.body_text),
            html=HTML_ENV.from_string(html),
        )
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Jinja syntax error line {exc.lineno}: {exc.message}") from None
