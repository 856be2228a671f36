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

import functools
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import css_inline
import mjml
from jinja2 import Template, TemplateSyntaxError, meta, nodes, select_autoescape
from jinja2.sandbox import SecurityError
from markupsafe import escape

from mailflow import i18n
from mailflow.mail import kinds, labels
from mailflow.mail import wording as wordings
from mailflow.mail.sandbox import TemplateSandbox, check_printf, check_str_format

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "email"
_CONTENT_SLOT = "<mj-include-content />"
# Every action link gets its data-action attribute from the link's name.
_ACTION_LINK = re.compile(r'<a href="\{\{ links\.(pick|decline|feedback|portal|profile) \}\}"')
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


def make_env(autoescape: bool) -> TemplateSandbox:
    """The environment every template source compiles in: Jinja's sandbox (see
    :mod:`mailflow.mail.sandbox`) with our filters and ``_``/``gettext``/``ngettext``."""
    env = TemplateSandbox(
        autoescape=select_autoescape(default=True, default_for_string=True)
        if autoescape
        else False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.add_filter("money", i18n.money_filter)
    env.add_filter("date", i18n.date_filter)
    env.add_filter("number", i18n.number_filter)
    env.add_filter("datetime", i18n.datetime_filter)
    env.add_filter("percent", i18n.percent_filter)
    env.add_filter("label", labels.label_filter)
    env.add_filter("safe_url", safe_url)
    env.tests["http_url"] = is_http_url
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


@functools.cache
def footer_text(directory: Path = TEMPLATE_DIR) -> str:
    """The plain-text part's footer (``footer.txt``): the layout's footer, for the reader's
    audience, appended to every ``body.txt``."""
    path = directory / "footer.txt"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def text_source(source: Source, directory: Path = TEMPLATE_DIR) -> str:
    return source.body_text.rstrip("\n") + footer_text(directory)


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


def compile_source(
    source: Source, layout_mjml: str, wording: wordings.Wording | None = None
) -> Compiled:
    """The source compiled once; ``wording`` (``{lang: {msgid: text}}``) replaces catalog
    messages in the templates of its languages."""
    html = html_source(source, layout_mjml)
    text = text_source(source)
    try:
        return Compiled(
            kind=source.kind,
            version=source.version,
            subject=TEXT_ENV.from_string(source.subject),
            text=TEXT_ENV.from_string(text),
            html=HTML_ENV.from_string(html),
            languages={
                lang: _for_language(source.subject, text, html, lang, (wording or {}).get(lang))
                for lang in i18n.LANGUAGES
            },
        )
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Jinja syntax error line {exc.lineno}: {exc.message}") from None


def _for_language(
    subject: str, text: str, html: str, lang: str, texts: wordings.Texts | None
) -> tuple[Template, Template, Template]:
    """The three parts pretranslated for ``lang``; with the wording's ``texts``, whose
    ``_``/``gettext`` also look there first (for messages with placeholders), and whose
    ``ngettext`` takes the wording's plural forms."""
    texts = texts or {}
    extra = {
        "_": wordings.gettext_for(texts),
        "gettext": wordings.gettext_for(texts),
        "ngettext": wordings.ngettext_for(texts),
    }
    names = extra if texts else None
    return (
        TEXT_ENV.from_string(pretranslate(subject, lang, html=False, texts=texts), names),
        TEXT_ENV.from_string(pretranslate(text, lang, html=False, texts=texts), names),
        HTML_ENV.from_string(pretranslate(html, lang, html=True, texts=texts), names),
    )


def pretranslate(source: str, lang: str, *, html: bool, texts: wordings.Texts | None = None) -> str:
    """Replace each ``{{ _("literal") }}`` by its translation (HTML-escaped for the HTML
    part, as autoescape would); calls with arguments stay calls. ``texts`` (a wording)
    come before the catalog."""

    def fill(match: re.Match[str]) -> str:
        message = match.group(1).replace('\\"', '"')
        text = wordings.single(texts or {}, message) or i18n.gettext(lang, message)
        if any(mark in text for mark in ("{{", "{%", "{#", "}}", "%}", "#}")):
            return match.group(0)
        return str(escape(text)) if html else text

    return _PLAIN_GETTEXT.sub(fill, source)


def validate(source: Source, layout_mjml: str) -> list[str]:
    """Everything wrong with a template source, before it is saved; ``[]`` when it is fine.

    It must compile (MJML and Jinja), keep ``<`` out of Jinja tags, use only the kind's
    documented variables, filters and tests, never name a private (``_``) attribute, and
    send every Jinja-filled href/src through ``safe_url``. The sandbox refuses the same
    at render time; this says so early, with the line the author wrote."""
    if source.kind not in kinds.KINDS:
        return [f"unknown message kind {source.kind!r}"]
    for name, text in (("subject", source.subject), ("text", source.body_text)):
        bad = _TAG_WITH_LT.search(text)
        if bad:  # harmless outside MJML, but one rule for all three parts is easier to keep
            return [f"{name}: '<' inside a Jinja tag is not allowed: {bad.group(0)}"]
    errors: list[str] = []
    allowed = kinds.allowed(source.kind)
    # The author's own text, not the compiled layout: every line number is one they wrote.
    parts = (("subject", source.subject), ("text", source.body_text), ("MJML", source.body_mjml))
    for name, text in parts:
        try:
            tree = HTML_ENV.parse(text)
            unknown = sorted(meta.find_undeclared_variables(tree) - allowed)
        except TemplateSyntaxError as exc:
            errors.append(f"{name}: Jinja syntax error line {exc.lineno}: {exc.message}")
            continue
        if unknown:
            known = ", ".join(sorted(kinds.KINDS[source.kind] | kinds.COMMON))
            lines = sorted({n.lineno for n in tree.find_all(nodes.Name) if n.name in unknown})
            where = f" line {', '.join(map(str, lines))}" if lines else ""
            errors.append(
                f"{name}{where}: unknown variable(s) {', '.join(unknown)} (known: {known})"
            )
    if not errors:
        try:
            HTML_ENV.parse(html_source(source, layout_mjml))
        except TemplateError as exc:
            return [str(exc)]
        except TemplateSyntaxError as exc:  # a tag MJML moved apart: no line of the author's
            errors.append(f"MJML: Jinja syntax error after compiling the layout: {exc.message}")
    for name, text in (("subject", source.subject), ("text", source.body_text),
                       ("MJML", source.body_mjml)):  # fmt: skip
        errors += _refusals(name, text)
    for expr in _HREF_EXPR.findall(source.body_mjml):
        if not _SAFE_HREF.match(expr.strip()):
            errors.append(f"link {{{{ {expr} }}}} must use links.<name> or end in |safe_url")
    return errors


_STATEMENTS: dict[type[nodes.Node], str] = {
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from … import %}",
    nodes.Extends: "{% extends %}",
}
# Filters that look an attribute up by a name written as text (``|attr("x")``,
# ``|map("attr", "x")``, ``|sort(false, false, "x")``): every quoted argument is checked.
_BY_NAME = frozenset(
    {"attr", "dictsort", "groupby", "map", "max", "min", "reject", "rejectattr", "select",
     "selectattr", "sort", "sum", "unique"}
)  # fmt: skip
_NAME_PARTS = re.compile(r"[.,\[\]]")


def _refusals(name: str, text: str) -> list[str]:
    """What the sandbox would refuse in ``text``, each with its line."""
    try:
        tree = HTML_ENV.parse(text)
    except TemplateSyntaxError:
        return []  # reported as a syntax error
    found = ((node, _refusal(node)) for node in tree.find_all(nodes.Node))
    return [f"{name} line {node.lineno}: {problem}" for node, problem in found if problem]


def _refusal(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Getattr):
        return _private(node.attr)
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return _private(node.arg.value)
    if isinstance(node, nodes.Filter):
        return _filter_refusal(node)
    if isinstance(node, nodes.Test) and node.name not in HTML_ENV.tests:
        return f"unknown test {node.name!r}"
    if isinstance(node, nodes.For) and node.recursive:
        return "recursive loops are not available in email templates"
    if isinstance(node, nodes.Mod) and isinstance(node.left, nodes.Const):
        return _format_refusal(check_printf, node.left.value)
    if isinstance(node, nodes.Call):
        return _call_refusal(node)
    statement = _STATEMENTS.get(type(node))
    return f"{statement} is not available in email templates" if statement else None


def _private(name: object) -> str | None:
    """A name (or a dotted path) with a part starting with ``_``: Python's internals."""
    if isinstance(name, str) and any(p.startswith("_") for p in _NAME_PARTS.split(name)):
        return f"attribute {name!r}: names starting with '_' are not allowed in a template"
    return None


def _filter_refusal(node: nodes.Filter) -> str | None:
    if node.name not in HTML_ENV.filters:
        return f"unknown filter {node.name!r}"
    names = [kw.value for kw in node.kwargs if kw.key == "attribute"]
    if node.name in _BY_NAME:
        names += node.args[:1] if node.name == "attr" else node.args
    for arg in names:
        if not isinstance(arg, nodes.Const):
            if node.name == "attr":
                return "|attr takes a quoted name"
            continue
        if problem := _private(arg.value):
            return problem
    if node.name == "format" and isinstance(node.node, nodes.Const):
        return _format_refusal(check_printf, node.node.value)
    return None


def _call_refusal(node: nodes.Call) -> str | None:
    """``"{0.__class__}".format(x)`` and ``_("%(x)999999s")``: format texts are code too."""
    func = node.node
    if isinstance(func, nodes.Name) and func.name in kinds.GLOBALS:
        texts = [a.value for a in node.args if isinstance(a, nodes.Const)]
        return next(filter(None, (_format_refusal(check_printf, t) for t in texts)), None)
    if not (
        isinstance(func, nodes.Getattr)
        and func.attr in ("format", "format_map")
        and isinstance(func.node, nodes.Const)
        and isinstance(func.node.value, str)
    ):
        return None
    fmt = func.node.value
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(fmt) if name]
    except ValueError:
        return f"the format text {fmt!r} is malformed"
    for name in names:
        for part in _NAME_PARTS.split(name):
            if problem := _private(part):
                return problem
    return _format_refusal(check_str_format, fmt)


def _format_refusal(check: Callable[[str], None], fmt: object) -> str | None:
    if not isinstance(fmt, str):
        return None
    try:
        check(fmt)
    except SecurityError as exc:
        return f"{exc} in {fmt!r}"
    return None
