"""The wording of an email kind per language: ops save a draft, preview it, publish it
(every email of the kind in that language uses it from then on) or discard it.

A draft holds the whole wording of its kind and language (``{msgid: text}``, a plural
message's forms as a list under its singular msgid; a message left out follows the
catalog). The caller invalidates ``rt.renderer`` after a publish
commits, so this process uses the new wording at once; other processes within the
renderer's TTL.
"""

from __future__ import annotations

from collections.abc import Mapping

from mailflow import i18n
from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError, NotFound
from mailflow.mail import kinds, templates
from mailflow.mail import wording as wordings
from mailflow.mail.branding import default_brand
from mailflow.mail.compile import HTML_ENV, Source, TemplateError, compile_source, layout
from mailflow.mail.render import render_compiled
from mailflow.models import EmailWording

DRAFT, PUBLISHED = "draft", "published"


class InvalidWording(ActionError):
    """Texts whose placeholders differ from their message's; ``errors`` maps each
    message to the sentence shown on its field (in the author's language)."""

    code = "invalid_wording"
    http_status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def kind_messages(source: Source) -> list[str]:
    """The messages of the kind's template (the one live now) that ops may reword."""
    return wordings.messages((source.subject, source.body_text, source.body_mjml), HTML_ENV)


def kind_plurals(source: Source) -> list[tuple[str, str]]:
    """The plural messages (singular, plural) of the kind's template that ops may reword,
    form by form."""
    parts = (source.subject, source.body_text, source.body_mjml)
    return wordings.plural_messages(parts, HTML_ENV)


def save_draft(
    ctx: ActionContext,
    source: Source,
    lang: str,
    posted: Mapping[str, str],
    author_lang: str = "en",
    plurals: Mapping[str, list[str]] | None = None,
) -> EmailWording:
    """Store the posted texts (``{msgid: text}``) and plural forms (``{singular: [form,
    …]}``, in the language's order) as the draft of ``source.kind`` in ``lang``; texts
    that are empty or the catalog's own are left out."""
    _check_kind(source.kind, lang)
    texts: dict[str, str | list[str]] = {}
    errors: dict[str, str] = {}
    for message in kind_messages(source):
        text = wordings.clean(message, posted.get(message, ""), lang)
        if text is None:
            continue
        if found := wordings.problem(message, text):
            errors[message] = wordings.explain(author_lang, found)
        texts[message] = text
    for singular, plural in kind_plurals(source):
        forms = wordings.clean_forms(singular, plural, (plurals or {}).get(singular, []), lang)
        if forms is None:
            continue
        if found := wordings.plural_problem(plural, forms):
            errors[singular] = wordings.explain(author_lang, found)
        texts[singular] = forms
    if errors:
        raise InvalidWording(errors)
    row = _store(ctx, source.kind, lang, DRAFT, texts)
    audit.record(ctx, "wording.draft_saved", template=source.kind, lang=lang, texts=len(texts))
    return row


def publish(ctx: ActionContext, source: Source, lang: str) -> dict[str, str | list[str]]:
    """Make the draft the kind's wording in ``lang``, after a render of the kind's sample
    data with it (what the template does with a text is checked before it goes live)."""
    _check_kind(source.kind, lang)
    draft = templates.wording_row(ctx.session, source.kind, lang, DRAFT)
    if draft is None:
        raise NotFound(f"no draft of the wording of {source.kind!r} in {lang!r}")
    texts = dict(draft.texts)
    try:
        compiled = compile_source(source, layout(), {lang: texts})
        render_compiled(
            compiled, {**kinds.sample(source.kind, lang), "brand": default_brand(ctx.settings)}
        )
    except (TemplateError, KeyError, ValueError, TypeError) as exc:
        raise InvalidWording({"": str(exc)}) from None
    published = templates.wording_row(ctx.session, source.kind, lang, PUBLISHED)
    previous = len(published.texts) if published else 0
    _store(ctx, source.kind, lang, PUBLISHED, texts)
    ctx.session.delete(draft)
    ctx.session.flush()
    audit.record(
        ctx,
        "wording.published",
        template=source.kind,
        lang=lang,
        texts=len(texts),
        previous=previous,
    )
    return texts


def discard(ctx: ActionContext, kind: str, lang: str) -> bool:
    """Drop the draft; ``False`` when there was none."""
    _check_kind(kind, lang)
    draft = templates.wording_row(ctx.session, kind, lang, DRAFT)
    if draft is None:
        return False
    ctx.session.delete(draft)
    ctx.session.flush()
    audit.record(ctx, "wording.discarded", template=kind, lang=lang)
    return True


def _check_kind(kind: str, lang: str) -> None:
    if kind not in kinds.KINDS:
        raise NotFound(f"no message kind {kind!r}")
    if lang not in i18n.LANGUAGES:
        raise NotFound(f"no language {lang!r}")


def _store(
    ctx: ActionContext, kind: str, lang: str, state: str, texts: dict[str, str | list[str]]
) -> EmailWording:
    row = templates.wording_row(ctx.session, kind, lang, state)
    if row is None:
        row = EmailWording(kind=kind, lang=lang, state=state, updated_at=ctx.now)
    row.texts = texts
    row.updated_by = ctx.actor
    row.updated_at = ctx.now
    ctx.session.add(row)
    ctx.session.flush()
    return row
