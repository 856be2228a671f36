"""Onboarding pages by signed link: ``/join/<token>`` (the invitation email: accept the
terms and the data-processing agreement, keep the profile, name the contacts) and
``/terms/<token>`` (an active partner accepts a new version). GET shows, POST acts: mail
scanners open links and change nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, make_response, render_template, request
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from mailflow import i18n
from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.partners.invitations import Joining, accept_invitation
from mailflow.actions.partners.terms import accept_terms
from mailflow.links.claims import InvitationClaim, ProfileClaim, TermsClaim
from mailflow.links.signer import PURPOSES
from mailflow.models import Contact, Organization, TermsVersion
from mailflow.queries.onboarding import InvitationView, load_invitation, to_accept
from mailflow.rules import onboarding
from mailflow.rules.forminput import FormInputError
from mailflow.web.context import runtime
from mailflow.web.errors import invalid_link
from mailflow.web.profile_form import details_input, invite_input
from mailflow.web.security import read_link, refuse_cross_site

bp = Blueprint("join", __name__)
JOIN = PURPOSES[InvitationClaim.PURPOSE].path
TERMS = PURPOSES[TermsClaim.PURPOSE].path


def _texts(versions: list[TermsVersion], lang: str) -> list[dict[str, Any]]:
    shown = []
    for v in versions:
        text_lang, text = onboarding.text_in(v.texts, lang)
        shown.append({"kind": v.kind, "version": v.version, "text": text, "lang": text_lang})
    return shown


def _join_view(claim: InvitationClaim) -> InvitationView:
    with runtime().db.read() as s:
        view = load_invitation(s, claim.invitation_id, claim.contact_id)
    if view is None:
        abort(invalid_link())
    return view


def _join_page(view: InvitationView, status: int = 200, **context: Any) -> Any:
    lang = i18n.normalize(view.contact.language or view.invitation.language)
    invitation = view.invitation
    expired = invitation.state == onboarding.INVITED and invitation.expires_at <= _now()
    page = render_template(
        "dialogs/join.html", lang=lang, invitation=invitation, org=view.organization,
        contact=view.contact, texts=_texts(view.terms, lang), form=context.pop("form", MultiDict()),
        expired=expired or invitation.state == onboarding.EXPIRED,
        profile=runtime().url(ProfileClaim(view.contact.id or 0)), **context,
    )  # fmt: skip
    return make_response(page, 410 if expired and status == 200 else status)


def _now() -> Any:
    return runtime().clock.now()


@bp.get(f"{JOIN}<token>")
def join(token: str) -> Any:
    return _join_page(_join_view(read_link(InvitationClaim, token)))


@bp.post(f"{JOIN}<token>")
def accept(token: str) -> Any:
    """The partner accepts: one action; the page again, saying it has joined."""
    claim = read_link(InvitationClaim, token)
    refuse_cross_site()
    view = _join_view(claim)
    lang = i18n.normalize(view.contact.language)
    try:
        joining = _joining(request.form, lang, view.contact.timezone)
        with unit(runtime(), f"contact:{claim.contact_id}", "web") as ctx:
            accept_invitation(ctx, claim.invitation_id, claim.contact_id, joining)
    except (FormInputError, ValidationError) as exc:
        return _join_page(view, 422, problem=_problem(exc), form=request.form)
    except ActionError as exc:
        return _join_page(view, exc.http_status, error=str(exc), form=request.form)
    return _join_page(_join_view(claim), joined=True)


def _joining(form: MultiDict[str, str], lang: str, tz: str) -> Joining:
    if form.get("accept_terms") != "1" or form.get("accept_dpa") != "1":
        raise FormInputError("accept")
    name = form.get("name", "").strip()
    if not name or len(name) > 200:
        raise FormInputError("name")
    colleagues = []
    if form.get("colleague_name", "").strip() or form.get("colleague_email", "").strip():
        fields = {"name": form.get("colleague_name", ""), "email": form.get("colleague_email", ""),
                  "language": form.get("colleague_language", "")}  # fmt: skip
        colleagues.append(invite_input(MultiDict(fields), lang))
    return Joining(shown=_shown(form), name=name, profile=details_input(form, tz),
                   colleagues=colleagues)  # fmt: skip


def _shown(form: MultiDict[str, str]) -> dict[str, int]:
    shown = {}
    for kind in onboarding.KINDS:
        raw = form.get(f"version_{kind}", "")
        if raw.isdigit() and len(raw) < 9:
            shown[kind] = int(raw)
    return shown


def _problem(exc: FormInputError | ValidationError) -> str:
    if isinstance(exc, FormInputError):
        return str(exc)
    first = exc.errors()[0]["loc"]
    return str(first[0]) if first else "details"


# -- a new version for an active partner ---------------------------------------------------
def _terms_page(claim: TermsClaim, status: int = 200, **context: Any) -> Any:
    with runtime().db.read() as s:
        contact = s.get(Contact, claim.contact_id)
        org = s.get(Organization, contact.organization_id) if contact else None
        if contact is None or org is None or not org.active or contact.removed_at is not None:
            abort(invalid_link())
        assert org.id is not None
        pending = to_accept(s, org.id)
    lang = i18n.normalize(contact.language)
    page = render_template("dialogs/terms.html", lang=lang, org=org, contact=contact,
                           texts=_texts(pending, lang),
                           profile=runtime().url(ProfileClaim(claim.contact_id)),
                           **context)  # fmt: skip
    return make_response(page, status)


@bp.get(f"{TERMS}<token>")
def terms(token: str) -> Any:
    return _terms_page(read_link(TermsClaim, token))


@bp.post(f"{TERMS}<token>")
def accept_new_terms(token: str) -> Any:
    claim = read_link(TermsClaim, token)
    refuse_cross_site()
    if request.form.get("accept") != "1":
        return _terms_page(claim, 422, problem="accept")
    try:
        with unit(runtime(), f"contact:{claim.contact_id}", "web") as ctx:
            accept_terms(ctx, claim.contact_id, _shown(request.form))
    except ActionError as exc:
        return _terms_page(claim, exc.http_status, error=str(exc))
    return _terms_page(claim, accepted=True)
