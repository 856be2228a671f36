"""Template versions: ops save a new version (validated first) and activate or roll back.

The caller invalidates ``rt.renderer`` after the transaction commits, so this process
renders the new version at once; other processes see it within the renderer's TTL.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, func, select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError, NotFound
from mailflow.mail import kinds
from mailflow.mail.branding import default_brand
from mailflow.mail.compile import Source, layout, validate
from mailflow.mail.render import trial_render
from mailflow.models import EmailTemplate


class InvalidTemplate(ActionError):
    """The source does not compile, uses unknown variables, private attributes or unsafe
    links, or fails to render its kind's sample data (the sandbox refused it)."""

    code = "invalid_template"
    http_status = 422

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def save_template(
    ctx: ActionContext, kind: str, subject: str, body_text: str, body_mjml: str
) -> EmailTemplate:
    """Store the source as the next version of ``kind`` and make it the active one."""
    if kind not in kinds.KINDS:
        raise NotFound(f"no message kind {kind!r}")
    subject, body_text, body_mjml = (
        subject.strip(),
        body_text.replace("\r\n", "\n"),
        body_mjml.replace("\r\n", "\n"),
    )
    _check(ctx, Source(kind, -1, subject, body_text, body_mjml))
    latest = ctx.session.exec(
        select(func.max(EmailTemplate.version)).where(EmailTemplate.kind == kind)
    ).one()
    row = EmailTemplate(
        kind=kind,
        version=(latest or 0) + 1,
        subject=subject,
        body_text=body_text,
        body_mjml=body_mjml,
        active=False,
        created_by=ctx.actor,
        created_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(ctx, "template.saved", template=kind, version=row.version)
    _make_active(ctx, kind, row.version)
    return row


def _check(ctx: ActionContext, source: Source) -> None:
    """Validation, then a render of the kind's sample data (what only the sandbox sees)."""
    errors = validate(source, layout()) or trial_render(source, default_brand(ctx.settings))
    if errors:
        raise InvalidTemplate(errors)


def activate_template(ctx: ActionContext, kind: str, version: int) -> int:
    """Make ``version`` live (0 = back to the files); a rollback is activating an older one.
    The version is checked as a new one would be: one saved before today's rules (or
    written to the database by other means) does not go live if they refuse it."""
    if kind not in kinds.KINDS:
        raise NotFound(f"no message kind {kind!r}")
    if version != 0:
        row = ctx.session.exec(
            select(EmailTemplate).where(
                EmailTemplate.kind == kind, EmailTemplate.version == version
            )
        ).first()
        if row is None:
            raise NotFound(f"no version {version} of {kind!r}")
        _check(ctx, Source(kind, version, row.subject, row.body_text, row.body_mjml))
    return _make_active(ctx, kind, version)


def _make_active(ctx: ActionContext, kind: str, version: int) -> int:
    previous = ctx.session.exec(
        select(EmailTemplate.version).where(
            EmailTemplate.kind == kind,
            EmailTemplate.active == True,  # noqa: E712
        )
    ).first()
    ctx.session.exec(
        update(EmailTemplate)
        .where(col(EmailTemplate.kind) == kind)
        .values(active=col(EmailTemplate.version) == version)
    )
    audit.record(ctx, "template.activated", template=kind, version=version, previous=previous or 0)
    return version
