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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import css_inline
import mjml
from jinja2 import Environment, Template, TemplateSyntaxError, meta, select_autoescape
from markupsafe import escape

from mailflow import i18n
from mailflow.mail import kinds

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "email"
_CONTENT_SLOT = "<mj-include-content />"
# Every action link gets its data-action attribute from the link's name.
_ACTION_LINK = re.compile(r'<a href="\{\{ links\.(pick|decline|feedback|portal) \}\}"')
_TAG_WITH_LT = re.compile(r"\{[{%][^}]*<[^}]*[%}]\}")
# Statements a body may start with, hoisted before the layout so ``preheader`` (used in the
# layout's head) is known when the head renders.
_LEADING_SET = re.compile(
    r"\A\s*(\{%-?\s*set\s+\w+\s*=.*?%\}|\{%-?\s*set\s+\w+\s*-?%\}.*?\{%-?\s*endset\s*-?%\})",
    re.S,
)
# An href filled by Jinja must be one of our links or pass through ``safe_url``.
_HREF_EXPR = re.compile(r'(?:href|src)="\{\{\s*([^}]*?)\s*\}\}"')
_SAFE_HREF = re.compile(r"^(links\.\w+|.*\|\s*safe_url)$")
_SCHEMES = ("http://", "https://")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")
# The space between two attributes of a tag: a line break there changes nothing.
_ATTRIBUTE_GAP = re.compile(r'" (?=[a-z][a-z-]*=")')
_PLAIN_GETTEXT = re.compile(r'\{\{ *_\( *"((?:[^"\\]|\\")*)" *\) *\}\}')
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_STATEMENT = re.compile(r"\{%.*?%\}", re.S)
_SHIELD = '<script type="text/x-mailflow-jinja">{}</script>'
_SHIELDED = re.compile(r'<script type="text/x-mailflow-jinja">(.*?)</script>', re.S)


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
    # Per language, the same templates with every argument-less ``_("…")`` already
    # translated: fewer calls per render. Other languages use the generic ones above.
    languages: Mapping[str, tuple[Template, Template, Template]] = field(default_factory=dict)

    def for_language(self, lang: str | None) -> tuple[Template, Template, Template]:
        return self.languages.get(lang or "") or (self.subject, self.text, self.html)


def make_env(autoescape: bool) -> Environment:
    env = Environment(
        autoescape=select_autoescape(default=True, default_for_string=True)
        if autoescape
        else False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["money"] = money
    env.filters["safe_url"] = safe_url
    env.tests["http_url"] = is_http_url
    i18n.install(env)
    return env


def is_http_url(value: object) -> bool:
    """True only for an absolute http(s) URL without control characters or spaces."""
    if not isinstance(value, str):
        return False
    low = value.strip().lower()
    return low.startswith(_SCHEMES) and len(low) > 8 and not _SPACE.search(low)


def safe_url(value: object) -> str:
    """The URL if it is http(s), else ``""``: ``javascript:``, ``data:`` and friends never
    become a link or an image source."""
    return value.strip() if isinstance(value, str) and is_http_url(value) else ""


def money(value: object, currency: str | None = None) -> str:
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
    html = _unshield(inliner.inline(_shield(html)))
    html = _ATTRIBUTE_GAP.sub('"\n', html)  # short lines: the email can go out as 7bit
    return _ACTION_LINK.sub(r'<a href="{{ links.\1 }}" data-action="\1"', html)


def split_leading_sets(body_mjml: str) -> tuple[str, str]:
    """``({% set %} statements at the start, the rest)``."""
    sets = []
    rest = body_mjml
    while match := _LEADING_SET.match(rest):
        sets.append(match.group(1))
        rest = rest[match.end() :]
    return "".join(sets), rest


def html_source(source: Source, layout_mjml: str) -> str:
    """The Jinja source of the HTML part: MJML compiled and CSS inlined, tags kept."""
    sets, body = split_leading_sets(source.body_mjml)
    return sets + mjml_to_html(layout_mjml.replace(_CONTENT_SLOT, body))


def _shield(html: str) -> str:
    """Wrap Jinja statements between tags in inert ``<script>`` elements, so the HTML
    parser of the CSS inliner keeps them in place: bare text inside a ``<table>`` (a
    ``{% for %}`` around rows) would otherwise be moved in front of the table."""
    parts = _TAG_OR_TEXT.split(html)
    for i in range(0, len(parts), 2):  # even items are text between tags
        parts[i] = _STATEMENT.sub(lambda m: _SHIELD.format(m.group(0)), parts[i])
    return "".join(parts)


def _unshield(html: str) -> str:
    return _SHIELDED.sub(lambda m: m.group(1), html)


def compile_source(source: Source, layout_mjml: str) -> Compiled:
    html = html_source(source, layout_mjml)
    try:
        return Compiled(
            kind=source.kind,
            version=source.version,
            subject=TEXT_ENV.from_string(source.subject),
            text=TEXT_ENV.from_string(source.body_text),
            html=HTML_ENV.from_string(html),
            languages={
                lang: (
                    TEXT_ENV.from_string(pretranslate(source.subject, lang, html=False)),
                    TEXT_ENV.from_string(pretranslate(source.body_text, lang, html=False)),
                    HTML_ENV.from_string(pretranslate(html, lang, html=True)),
                )
                for lang in i18n.LANGUAGES
            },
        )
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Jinja syntax error line {exc.lineno}: {exc.message}") from None


def pretranslate(source: str, lang: str, *, html: bool) -> str:
    """Replace each ``{{ _("literal") }}`` by its translation (HTML-escaped for the HTML
    part, as autoescape would); calls with arguments stay calls."""

    def fill(match: re.Match[str]) -> str:
        text = i18n.gettext(lang, match.group(1).replace('\\"', '"'))
        if any(mark in text for mark in ("{{", "{%", "{#", "}}", "%}", "#}")):
            return match.group(0)
        return str(escape(text)) if html else text

    return _PLAIN_GETTEXT.sub(fill, source)


def validate(source: Source, layout_mjml: str) -> list[str]:
    """Everything wrong with a template source, before it is saved; ``[]`` when it is fine.

    It must compile (MJML and Jinja), keep ``<`` out of Jinja tags, use only the kind's
    documented variables, and send every Jinja-filled href/src through ``safe_url``."""
    if source.kind not in kinds.KINDS:
        return [f"unknown message kind {source.kind!r}"]
    for name, text in (("subject", source.subject), ("text", source.body_text)):
        bad = _TAG_WITH_LT.search(text)
        if bad:  # harmless outside MJML, but one rule for all three parts is easier to keep
            return [f"{name}: '<' inside a Jinja tag is not allowed: {bad.group(0)}"]
    try:
        html = html_source(source, layout_mjml)
    except TemplateError as exc:
        return [str(exc)]
    errors: list[str] = []
    allowed = kinds.allowed(source.kind)
    parts = (("subject", source.subject), ("text", source.body_text), ("HTML", html))
    for name, text in parts:
        try:
            used = meta.find_undeclared_variables(HTML_ENV.parse(text))
        except TemplateSyntaxError as exc:
            errors.append(f"{name}: Jinja syntax error line {exc.lineno}: {exc.message}")
            continue
        unknown = sorted(used - allowed)
        if unknown:
            known = ", ".join(sorted(kinds.KINDS[source.kind] | kinds.COMMON))
            errors.append(f"{name}: unknown variable(s) {', '.join(unknown)} (known: {known})")
    for expr in _HREF_EXPR.findall(source.body_mjml):
        if not _SAFE_HREF.match(expr.strip()):
            errors.append(f"link {{{{ {expr} }}}} must use links.<name> or end in |safe_url")
    return errors
