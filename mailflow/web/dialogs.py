"""Signed-link dialogs: ``/a/<token>``.

GET (and HEAD) only shows a page: mail security scanners open every link, so nothing
changes until the partner presses the button, which POSTs back to the same URL.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, make_response, redirect, render_template, request, url_for
from pydantic import ValidationError

from mailflow.actions import unit
from mailflow.actions.errors import (
    ActionError,
    AlreadyTaken,
    OfferClosed,
    PartnerInactive,
    QueueBlocked,
)
from mailflow.actions.leads import respond
from mailflow.actions.leads.respond import Answer
from mailflow.i18n import N_
from mailflow.links.claims import LinkClaim
from mailflow.links.signer import TokenExpired, TokenInvalid
from mailflow.mail.labels import DECLINE_REASONS
from mailflow.models.schemas import FeedbackIn, problems
from mailflow.models.states import OfferState
from mailflow.queries.backlog import gate, status_buttons
from mailflow.queries.offers import others_open
from mailflow.rules.forminput import FormInputError, check_texts, parse_amount
from mailflow.rules.lifecycle import STAGES
from mailflow.web.context import runtime
from mailflow.web.pages import LinkView, load_view, portal_rows
from mailflow.web.portal_push import PORTAL_CSP
from mailflow.web.security import refuse_cross_site

bp = Blueprint("dialogs", __name__)


def _claim(token: str) -> LinkClaim:
    g.token_route = True
    try:
        claim = runtime().signer.read(LinkClaim, token)
    except TokenExpired:
        abort(
            _page(
                "message.html",
                410,
                title=N_("This link has expired"),
                tone="error",
                text=N_(
                    "Links in our emails are valid for a limited time. "
                    "Open your most recent email, or reply to it instead."
                ),
            )
        )
    except TokenInvalid:
        abort(
            _page(
                "message.html",
                404,
                title=N_("This link is not valid"),
                tone="error",
                text=N_("The link may be incomplete. Please open it again from the email."),
            )
        )
    if claim.action == "qualify":  # an agency's link lives under /q/
        abort(redirect(url_for("qualify_dialog.show", token=token), 307))
    return claim


def _page(template: str, status: int = 200, lang: str = "en", **context: Any) -> Any:

    return make_response(render_template(template, lang=lang, **context), status)


def _load(claim: LinkClaim) -> LinkView:
    with runtime().db.read() as session:
        view = load_view(session, claim)
    if view is None:
        abort(
            _page(
                "message.html",
                404,
                title=N_("This link is not valid"),
                tone="error",
                text=N_("The lead or partner it points to no longer exists."),
            )
        )
    if not view.organization.active:
        abort(_inactive(view.lang))
    return view


def _inactive(lang: str) -> Any:
    """A deactivated partner's links (dialogs and its own page) open this, GET and POST:
    403, the account is switched off, not the link broken."""
    return _page(
        "message.html",
        403,
        lang,
        title=N_("This partner account is not active"),
        tone="error",
        text=N_(
            "Your company no longer receives or handles leads here. "
            "Please contact the manufacturer if this is a mistake."
        ),
    )


@bp.get("/a/<token>")
def show(token: str) -> Any:
    claim = _claim(token)
    view = _load(claim)
    if claim.action == "portal":
        with runtime().db.read() as session:
            rows = portal_rows(session, runtime(), view.contact)
        page = _page(
            "dialogs/portal.html",
            200,
            view.lang,
            view=view,
            token=token,
            tz=view.contact.timezone,
            done=_portal_notice(),
            **rows,
        )
        page.headers["Content-Security-Policy"] = PORTAL_CSP  # its notifications' script
        return page
    return _state_page(view, claim.action)


def _portal_notice() -> dict[str, Any] | None:
    """What a one-tap status button just did (the redirect back to the page says it)."""
    stage, lead = request.args.get("done", ""), request.args.get("lead", "")
    if stage not in STAGES or not lead.isdigit():
        return None
    return {"state": stage, "lead": int(lead)}


def _state_page(view: LinkView, action: str) -> Any:
    """The dialog for an open offer, or the page that says why it is not open."""
    if view.is_owner:
        template = "dialogs/feedback.html" if action == "feedback" else "dialogs/details.html"
        # a one-click status button of a reminder opens the form with its stage chosen
        form = request.args if request.args.get("stage") in view.next_stages else None
        return _page(template, lang=view.lang, view=view, form=form)
    if view.offer.state == OfferState.TAKEN or (view.lead.owner_id and not view.is_owner):
        return _page("dialogs/taken.html", 409, lang=view.lang, view=view)
    if view.offer.state == OfferState.DECLINED:
        return _declined(view)
    if view.offer.state != OfferState.OPEN:
        return _page("dialogs/closed.html", 410, lang=view.lang, view=view)
    if action == "feedback":
        return _page("dialogs/closed.html", 403, lang=view.lang, view=view)
    if action == "pick":
        blocked = _queue_blocked(view)
        if blocked is not None:
            return blocked
    return _page(f"dialogs/{action}.html", lang=view.lang, view=view)


def _declined(view: LinkView) -> Any:
    """Thanks for declining, and what happens now: ring-mates still hold the lead, or it
    moves on."""
    with runtime().db.read() as session:
        others = others_open(session, view.offer)
    return _page("dialogs/declined.html", lang=view.lang, view=view, others_open=others)


def _queue_blocked(view: LinkView, status: int = 200) -> Any:
    """The processing-queue gate: the offer is shown, the pick is not possible."""

    rt = runtime()
    with rt.db.read() as session:
        verdict, overdue = gate(session, rt.settings, view.organization, rt.clock.now())
    if not verdict.blocked:
        return None
    assert view.contact.id is not None
    rows = [status_buttons(rt, o, view.contact.id) for o in overdue]
    return _page(
        "dialogs/pick_blocked.html",
        status,
        lang=view.lang,
        view=view,
        rows=rows,
        limit=verdict.limit,
    )


@bp.post("/a/<token>")
def act(token: str) -> Any:
    claim = _claim(token)
    refuse_cross_site()
    view = _load(claim)
    try:
        check_texts(request.form.items())  # every field, whichever the action reads
        error = _perform(claim)
    except FormInputError as exc:
        error = [str(exc)]
    except AlreadyTaken:
        return _page("dialogs/taken.html", 409, lang=view.lang, view=_load(claim))
    except QueueBlocked:
        return _queue_blocked(view, 423) or _page("dialogs/pick.html", lang=view.lang, view=view)
    except OfferClosed:
        return _page("dialogs/closed.html", 410, lang=view.lang, view=_load(claim))
    except PartnerInactive:  # deactivated between the page and the button
        return _inactive(view.lang)
    except ActionError as exc:
        return _page(
            "message.html",
            exc.http_status,
            lang=view.lang,
            tone="error",
            title=N_("This did not work"),
            text=str(exc),
        )
    if error is not None:
        return _refused_form(claim, view, error)
    back = _back_to_portal(claim, view.lead.id)
    if back is not None:  # a one-click button on the partner's own page: show it again
        return redirect(back, 303)
    done = _load(claim)
    if claim.action == "decline":
        return _declined(done)
    if claim.action == "feedback":
        return _page("dialogs/feedback_done.html", lang=view.lang, view=done)
    return _page("dialogs/details.html", lang=view.lang, view=done, just_picked=True)


def _refused_form(claim: LinkClaim, view: LinkView, errors: list[str]) -> Any:
    """422: the feedback form again with its errors; the other dialogs say what was wrong."""
    if claim.action in ("feedback", "decline"):
        form = request.form
        template = f"dialogs/{claim.action}.html"
        return _page(template, 422, view.lang, view=view, errors=errors, form=form)
    return _page(
        "message.html", 422, view.lang, tone="error", title=N_("This did not work"), text=errors[0]
    )


def _back_to_portal(claim: LinkClaim, lead_id: int | None) -> str | None:
    """The contact's own page when the form came from it (a signed portal token of the
    same contact); never an arbitrary address."""
    token = request.form.get("back") or ""
    if not token or claim.action == "pick":
        return None
    try:
        back = runtime().signer.read(LinkClaim, token)
    except (TokenExpired, TokenInvalid):
        return None
    if back.action != "portal" or back.contact_id != claim.contact_id:
        return None
    stage = request.form.get("stage", "")
    if claim.action == "feedback" and stage in STAGES:
        return url_for("dialogs.show", token=token, done=stage, lead=lead_id)
    return url_for("dialogs.show", token=token)


def _perform(claim: LinkClaim) -> list[str] | None:
    """Run the action of the link; returns form errors for an invalid feedback form."""
    if claim.action == "pick":
        answer = Answer("pick")
    elif claim.action == "decline":
        answer = Answer("decline", reason=_decline_reason())
    elif claim.action == "feedback":
        try:
            answer = Answer("feedback", report=FeedbackIn(**_feedback_form()))
        except ValidationError as exc:
            return [f"{field}: {message}" for field, message in problems(exc, "")]
        except FormInputError as exc:
            return [str(exc)]
    else:
        abort(405)
    with unit(runtime(), f"contact:{claim.contact_id}", "web") as ctx:
        respond.act(ctx, claim.offer_id, claim.contact_id, answer)
    return None


def _decline_reason() -> str:
    """The chosen reason (a required choice); "other" with the partner's own words is
    stored as those words."""
    reason = (request.form.get("reason") or "").strip()
    if reason not in DECLINE_REASONS:
        raise FormInputError(N_("Please choose why you are declining."))
    own = (request.form.get("reason_text") or "").strip()
    return own if reason == "other" and own else reason


def _feedback_form() -> dict[str, Any]:
    form = request.form
    fields: dict[str, Any] = {"stage": form.get("stage", "")}
    amount = parse_amount(form.get("amount") or "")
    if amount is not None:
        fields["amount"] = amount
    for name in ("currency", "reason", "note"):
        if (form.get(name) or "").strip():
            fields[name] = form[name]
    return fields
