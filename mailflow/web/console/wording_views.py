"""Console: the wording of each email per language, for ops. The texts of a kind's
template as plain fields (their placeholders listed and checked; a plural message one
field per plural form of the language), saved as a draft,
previewed (desktop, phone, plain text; in the language edited) and published or
discarded. The template itself (MJML, Jinja) is the admins' page next door.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from mailflow import i18n
from mailflow.actions import unit
from mailflow.actions.console.wording import (
    DRAFT,
    PUBLISHED,
    InvalidWording,
    discard,
    kind_messages,
    kind_plurals,
    publish,
    save_draft,
)
from mailflow.actions.errors import NotFound
from mailflow.mail import templates
from mailflow.mail import wording as wordings
from mailflow.mail.compile import Source, TemplateError, compile_source, layout
from mailflow.mail.render import render_compiled
from mailflow.queries.visibility import STAFF_ROLES
from mailflow.web.console.auth import login_required
from mailflow.web.console.locale import gettext, language
from mailflow.web.console.template_pages import (
    actor,
    editor_response,
    known_kind,
    may_edit_raw,
    preview_response,
    rendered_preview,
    sample_context,
)
from mailflow.web.context import runtime

bp = Blueprint("console_wording", __name__, url_prefix="/console/templates")


def field_name(message: str) -> str:
    """The form field of a message: stable while the template keeps the message."""
    return "m_" + hashlib.sha256(message.encode()).hexdigest()[:16]


def _kind_lang(kind: str, lang: str | None) -> tuple[str, str]:
    return known_kind(kind), lang if lang in i18n.LANGUAGES else language()


def _live_source(kind: str) -> Source:
    rt = runtime()
    with rt.db.read() as s:
        return templates.load_source(s, kind, rt.renderer.active_version(kind))


def _page(kind: str, lang: str, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    source = _live_source(kind)
    with runtime().db.read() as s:
        draft = templates.wording_row(s, kind, lang, DRAFT)
        published = templates.wording_row(s, kind, lang, PUBLISHED)
    shown = draft or published
    current = dict(shown.texts) if shown else {}
    posted = request.form if errors is not None else None
    fields = []
    for message in kind_messages(source):
        name = field_name(message)
        catalog = wordings.catalog_text(lang, message)
        value = posted.get(name, "") if posted is not None else current.get(message, catalog)
        fields.append(
            {
                "name": name,
                "value": value,
                "catalog": catalog,
                "changed": message in current,
                "placeholders": wordings.placeholders(message),
                "error": (errors or {}).get(message),
                "rows": max(2, min(8, len(value) // 60 + 1)),
            }
        )
    page = render_template(
        "console/templates/wording.html",
        kind=kind,
        edit_lang=lang,
        fields=fields,
        plurals=_plural_fields(source, lang, current, posted, errors or {}),
        draft=draft,
        published=published,
        general=(errors or {}).get(""),
        may_edit_raw=may_edit_raw(),
    )
    return editor_response(page, status)


def _plural_fields(
    source: Source,
    lang: str,
    current: dict[str, Any],
    posted: Any,
    errors: dict[str, str],
) -> list[dict[str, Any]]:
    """A plural message's forms, one field each, labelled with the counts it is for (the
    language's plural rule)."""
    examples = wordings.plural_examples(lang)
    out = []
    for singular, plural in kind_plurals(source):
        name = field_name(singular)
        standard = wordings.catalog_forms(lang, singular, plural)
        kept = current.get(singular)
        values = kept if isinstance(kept, list) else standard
        forms = []
        for i, catalog in enumerate(standard):
            value = posted.get(f"{name}_{i}", "") if posted is not None else values[i]
            forms.append({"name": f"{name}_{i}", "value": value, "catalog": catalog,
                          "counts": examples[i] if i < len(examples) else []})  # fmt: skip
        out.append(
            {
                "name": name,
                "forms": forms,
                "changed": isinstance(kept, list),
                "placeholders": wordings.placeholders(plural),
                "error": errors.get(singular),
            }
        )
    return out


def _posted_plurals(source: Source, lang: str) -> dict[str, list[str]]:
    count = wordings.plural_count(lang)
    return {
        singular: [request.form.get(f"{field_name(singular)}_{i}", "") for i in range(count)]
        for singular, _ in kind_plurals(source)
    }


@bp.get("/<kind>/wording")
@login_required(*STAFF_ROLES)
def page(kind: str) -> Any:
    kind, lang = _kind_lang(kind, request.args.get("lang"))
    return _page(kind, lang)


@bp.post("/<kind>/wording")
@login_required(*STAFF_ROLES)
def save(kind: str) -> Any:
    kind, lang = _kind_lang(kind, request.form.get("lang"))
    source = _live_source(kind)
    posted = {m: request.form.get(field_name(m), "") for m in kind_messages(source)}
    try:
        with unit(runtime(), actor(), "console") as ctx:
            plurals = _posted_plurals(source, lang)
            save_draft(ctx, source, lang, posted, author_lang=language(), plurals=plurals)
    except InvalidWording as exc:
        return _page(kind, lang, exc.errors, status=422)
    flash(gettext("Draft saved. It is not live yet: check the preview, then publish it."))
    return redirect(url_for("console_wording.page", kind=kind, edit_lang=lang))


@bp.post("/<kind>/wording/publish")
@login_required(*STAFF_ROLES)
def publish_draft(kind: str) -> Any:
    kind, lang = _kind_lang(kind, request.form.get("lang"))
    rt = runtime()
    try:
        with unit(rt, actor(), "console") as ctx:
            publish(ctx, _live_source(kind), lang)
    except NotFound:
        abort(404)
    except InvalidWording as exc:
        return _page(kind, lang, exc.errors, status=422)
    rt.renderer.invalidate()
    flash(gettext("Published: every email of this kind in %(language)s uses the new wording now.",
                  language=i18n.LANGUAGE_NAMES[lang]))  # fmt: skip
    return redirect(url_for("console_wording.page", kind=kind, edit_lang=lang))


@bp.post("/<kind>/wording/discard")
@login_required(*STAFF_ROLES)
def discard_draft(kind: str) -> Any:
    kind, lang = _kind_lang(kind, request.form.get("lang"))
    with unit(runtime(), actor(), "console") as ctx:
        dropped = discard(ctx, kind, lang)
    if dropped:
        flash(gettext("Draft discarded."))
    return redirect(url_for("console_wording.page", kind=kind, edit_lang=lang))


@bp.get("/<kind>/wording/preview")
@login_required(*STAFF_ROLES)
def preview(kind: str) -> Any:
    """The email in ``lang`` with the draft's wording (else the published one), filled
    with sample data: HTML, or its text part with ``part=text``."""
    kind, lang = _kind_lang(kind, request.args.get("lang"))
    with runtime().db.read() as s:
        row = templates.wording_row(s, kind, lang, DRAFT) or templates.wording_row(
            s, kind, lang, PUBLISHED
        )
    texts = dict(row.texts) if row else {}
    source, context = _live_source(kind), sample_context(kind, lang)
    return preview_response(
        *rendered_preview(
            lambda: render_compiled(compile_source(source, layout(), {lang: texts}), context),
            (TemplateError, KeyError, ValueError, TypeError),
        )
    )
