"""Template versions in the database: reading sources, listing versions, diffs.

Files are version 0 of every kind; ops' edits are versions 1, 2, … in ``EmailTemplate``;
at most one version of a kind is active (none = the files).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlmodel import Session, col, select

from mailflow.mail import wording as wordings
from mailflow.mail.compile import Source, TemplateError, file_source
from mailflow.models import EmailTemplate, EmailWording

FIELDS = ("subject", "body_text", "body_mjml")


@dataclass(frozen=True)
class Version:
    version: int
    active: bool
    created_by: str | None
    created_at: str | None


def load_source(session: Session, kind: str, version: int) -> Source:
    if version == 0:
        return file_source(kind)
    row = session.exec(
        select(EmailTemplate).where(EmailTemplate.kind == kind, EmailTemplate.version == version)
    ).first()
    if row is None:
        raise TemplateError(f"no version {version} of {kind!r}")
    return Source(kind, row.version, row.subject, row.body_text, row.body_mjml)


def versions(session: Session, kind: str) -> list[Version]:
    """Newest first; version 0 (the files) last, active when no other is."""
    rows = session.exec(
        select(EmailTemplate)
        .where(EmailTemplate.kind == kind)
        .order_by(col(EmailTemplate.version).desc())
    ).all()
    out = [
        Version(r.version, r.active, r.created_by, r.created_at.strftime("%Y-%m-%d %H:%M"))
        for r in rows
    ]
    out.append(Version(0, not any(r.active for r in rows), "files", None))
    return out


def active_versions(session: Session) -> dict[str, int]:
    rows = session.exec(
        select(EmailTemplate.kind, EmailTemplate.version).where(EmailTemplate.active == True)  # noqa: E712
    ).all()
    return dict(rows)


def diff(old: Source, new: Source) -> str:
    """A unified diff of the three parts, as one text."""
    chunks: list[str] = []
    for name in FIELDS:
        a, b = getattr(old, name).splitlines(), getattr(new, name).splitlines()
        chunks.extend(
            difflib.unified_diff(
                a, b, f"{name} v{old.version}", f"{name} v{new.version}", lineterm=""
            )
        )
    return "\n".join(chunks)


def published_wording(session: Session) -> dict[str, dict[str, wordings.Texts]]:
    """Every kind's published wording: ``{kind: {lang: {msgid: text}}}``."""
    rows = session.exec(select(EmailWording).where(EmailWording.state == "published")).all()
    out: dict[str, dict[str, wordings.Texts]] = {}
    for row in rows:
        if row.texts:
            out.setdefault(row.kind, {})[row.lang] = dict(row.texts)
    return out


def wording_row(session: Session, kind: str, lang: str, state: str) -> EmailWording | None:
    return session.exec(
        select(EmailWording).where(
            EmailWording.kind == kind, EmailWording.lang == lang, EmailWording.state == state
        )
    ).first()
