"""Console: partners invited and where each invitation stands; invite a partner (one
form, one action); the versions of the terms and the data-processing agreement, and
publishing a new one (every active partner is asked to accept it; nothing stops)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from pydantic import ValidationError
from sqlmodel import col, select

from mailflow import i18n
from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.partners.invitations import invite_partner
from mailflow.actions.partners.terms import publish_terms
from mailflow.i18n import N_
from mailflow.mail.labels import is_message
from mailflow.models import TermsVersion
from mailflow.models.api_schemas import InvitationIn
from mailflow.queries.onboarding import invitations
from mailflow.rules import onboarding
from mailflow.web.console.auth import current_user, login_required
from mailflow.web.console.locale import gettext, refusal
from mailflow.web.context import runtime

bp = Blueprint("console_invitations", __name__, url_prefix="/console/invitations")
NAV = (N_("Invitations"), "console_invitations.index")
INVITERS = ("admin", "ops", "partner_manager")
PUBLISHERS = ("admin", "ops")
# an invitation's states as the page shows them (``_(state)``)
STATES = (N_("invited"), N_("accepted"), N_("expired"), N_("withdrawn"))
FIELDS = ("partner_name", "country", "city", "name", "email", "language")


@bp.get("")
@login_required(*INVITERS)
def index() -> Any:
    with runtime().db.read() as s:
        rows = invitations(s)
        versions = s.exec(
            select(TermsVersion).order_by(col(TermsVersion.kind), col(TermsVersion.version).desc())
        ).all()
    counts = {state: sum(r.invitation.state == state for r in rows) for state in onboarding.STATES}
    return render_template("console/invitations.html", rows=rows, counts=counts,
                           versions=versions, kinds=onboarding.KINDS,
                           languages=i18n.LANGUAGE_NAMES)  # fmt: skip


def _say(exc: ActionError) -> str:
    return gettext(str(exc)) if is_message(str(exc)) else refusal(exc)


@bp.post("")
@login_required(*INVITERS)
def invite() -> Any:
    user = current_user()
    assert user is not None
    fields = {k: request.form.get(k, "").strip() for k in FIELDS}
    try:
        data = InvitationIn.model_validate({k: v for k, v in fields.items() if v})
        with unit(runtime(), f"console:{user.id}", "console") as ctx:
            invite_partner(ctx, data)
    except ValidationError:
        flash(gettext("Please check your input: a partner's name and a valid email address."),
              "error")  # fmt: skip
    except ActionError as exc:
        flash(_say(exc), "error")
    else:
        flash(gettext("Invitation sent to %(email)s.", email=fields["email"]), "ok")
    return redirect(url_for("console_invitations.index"))


@bp.post("/terms")
@login_required(*PUBLISHERS)
def publish() -> Any:
    user = current_user()
    assert user is not None
    kind = request.form.get("kind", "")
    texts: dict[str, str] = {lang: request.form.get(f"text_{lang}", "") for lang in i18n.LANGUAGES}
    try:
        with unit(runtime(), f"console:{user.id}", "console") as ctx:
            version = publish_terms(ctx, kind, texts)
    except ActionError:
        flash(gettext("Choose the kind and write the English text at least."), "error")
    else:
        flash(gettext("Version %(version)s published; active partners are asked to accept it.",
                      version=version.version), "ok")  # fmt: skip
    return redirect(url_for("console_invitations.index"))
