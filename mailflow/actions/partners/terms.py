"""The terms of the partnership and the data-processing agreement: the staff publish a
new version; a partner's contact accepts the current ones (on joining, or later by the
link the ``terms_update`` email brings).

A new version asks every active partner again by email and by a notice on its profile
page, and stops nothing: offers, picks and open leads go on while it is unanswered. Each
acceptance is a row naming the version, the contact and the time, and an audit event.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func
from sqlmodel import col, select

from mailflow import i18n
from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import InvalidInput
from mailflow.actions.outbound import outbox
from mailflow.actions.partners.profile import partner_contact
from mailflow.i18n import N_
from mailflow.mail import messages
from mailflow.models import Contact, Organization, TermsAcceptance, TermsVersion
from mailflow.queries.matching_input import PARTNER_KINDS
from mailflow.queries.onboarding import current_versions, to_accept
from mailflow.rules import onboarding

MAX_TEXT = 200_000

CHANGED = N_("The texts have changed meanwhile: please read them again and accept.")


def publish_terms(ctx: ActionContext, kind: str, texts: Mapping[str, str]) -> TermsVersion:
    """The next version of ``kind`` (``terms`` or ``dpa``) with its text per language
    (English at least); every active partner's contacts are asked to accept it."""
    if kind not in onboarding.KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(onboarding.KINDS)}")
    kept = {lang: text.strip() for lang, text in texts.items() if text and text.strip()}
    unknown = sorted(set(kept) - set(i18n.LANGUAGES))
    if unknown:
        raise InvalidInput(f"unknown languages: {', '.join(unknown)}")
    if not kept.get("en"):
        raise InvalidInput("the English text is required (it stands in for a missing language)")
    if any(len(text) > MAX_TEXT for text in kept.values()):
        raise InvalidInput(f"a text is longer than {MAX_TEXT} characters")
    latest = ctx.session.exec(
        select(func.max(TermsVersion.version)).where(TermsVersion.kind == kind)
    ).one()
    version = TermsVersion(kind=kind, version=(latest or 0) + 1, texts=kept,
                           published_at=ctx.now, published_by=ctx.actor[:40])  # fmt: skip
    ctx.session.add(version)
    ctx.session.flush()
    audit.record(ctx, "terms.published", text=kind, version=version.version,
                 terms_version_id=version.id, languages=sorted(kept))  # fmt: skip
    _ask_active_partners(ctx, kind)
    return version


def _ask_active_partners(ctx: ActionContext, kind: str) -> None:
    """One email to each contact of an active partner who gets offers."""
    contacts = ctx.session.exec(
        select(Contact)
        .join(Organization, col(Organization.id) == col(Contact.organization_id))
        .where(
            Organization.active == True,  # noqa: E712
            col(Organization.kind).in_(PARTNER_KINDS),
            Contact.receives_offers == True,  # noqa: E712
            Contact.undeliverable == False,  # noqa: E712
            col(Contact.removed_at).is_(None),
        )
        .order_by(col(Contact.id))
    ).all()
    for contact in contacts:
        if contact.pending:
            continue
        outbox.queue(ctx, "terms_update", contact, messages.terms_update(ctx.rt, contact, [kind]))


def accept_terms(
    ctx: ActionContext, contact_id: int, shown: Mapping[str, int]
) -> list[TermsAcceptance]:
    """An active partner's contact accepts the current versions it was shown (kind →
    version); a version published since it opened the page is refused (read it first)."""
    _, org = partner_contact(ctx, contact_id)
    assert org.id is not None
    pending = to_accept(ctx.session, org.id)
    if {v.kind: v.version for v in pending} != dict(shown):
        raise InvalidInput(CHANGED)
    return record_acceptances(ctx, org.id, contact_id, pending)


def check_shown(ctx: ActionContext, shown: Mapping[str, int]) -> list[TermsVersion]:
    """The current version of every kind, each as the partner was shown it."""
    current = current_versions(ctx.session)
    if set(current) != set(onboarding.KINDS):
        raise InvalidInput(N_("The terms are not published yet: please ask the manufacturer."))
    if {k: v.version for k, v in current.items()} != dict(shown):
        raise InvalidInput(CHANGED)
    return [current[k] for k in onboarding.KINDS]


def record_acceptances(
    ctx: ActionContext, organization_id: int, contact_id: int, versions: list[TermsVersion]
) -> list[TermsAcceptance]:
    rows = []
    for version in versions:
        assert version.id is not None
        row = TermsAcceptance(organization_id=organization_id, contact_id=contact_id,
                              terms_version_id=version.id, kind=version.kind,
                              version=version.version, accepted_at=ctx.now,
                              channel=ctx.channel[:10])  # fmt: skip
        ctx.session.add(row)
        rows.append(row)
        audit.record(ctx, "terms.accepted", organization_id=organization_id,
                     contact_id=contact_id, text=version.kind,
                     version=version.version)  # fmt: skip
    ctx.session.flush()
    return rows
